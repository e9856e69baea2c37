import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runPlanned } from '../../src/calibrate/calibrate.js';
import { fitAll } from '../../src/calibrate/fit/index.js';
import { candidatePaths, identifyAll } from '../../src/calibrate/interpreters.js';
import { verify } from '../../src/calibrate/verify/verify.js';
import { rawWith, tempDirs } from './helpers.js';

const tmp = tempDirs('gil-top-live-');

/** A real CPython on this machine, if there is one: the live checks run only then. */
const found = (await identifyAll(candidatePaths().slice(0, 12))).find((i) => i.problem === undefined);

describe.skipIf(found === undefined)(`live, with ${found?.path ?? 'no Python found'}`, () => {
  const py = found as NonNullable<typeof found> & { version: string; executable: string };

  it('runs a small loop probe and fits it', async () => {
    const run = await runPlanned({ probe: 'loops', interpreter: py, args: ['--n', '20000', '--fib', '12', '--reps', '2'], cpus: null, perf: false, params: { perf: false }, timeoutS: 60 });
    expect(run.error).toBeUndefined();
    const { measurements } = fitAll(rawWith([run], [py]));
    expect(measurements[`loops.countdown.${py.version}`].value).toBeGreaterThan(0.5);
    expect(measurements[`loops.fib.${py.version}`].value).toBeGreaterThan(0.5);
  });

  it('verifies a tiny preset against the simulation', async () => {
    const file = join(tmp(), 'tiny.json');
    const policy = py.freeThreaded ? 'free-threaded' : py.version.startsWith('2.') ? 'py2' : 'py3';
    writeFileSync(file, JSON.stringify({ name: 'tiny', title: 't', description: 'two short threads', profile: 'epyc-vm', policy, cores: 1, threads: [1, 2].map((i) => ({ name: `t${i}`, program: [{ op: 'loop', kind: 'countdown', iterations: 100000 }] })) }));
    const r = await verify({ preset: file, python: py.path, log: () => undefined });
    expect(r.real.seconds).toBeGreaterThan(0);
    expect(r.real.seconds).toBeLessThan(30);
    expect(r.simulated.seconds).toBeGreaterThan(0);
    expect(r.python.version).toBe(py.version);
  });
});
