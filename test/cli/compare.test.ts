import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { compareRow, cpuThreadNames } from '../../src/session/parallel-compare.js';
import { runJob } from '../../src/session/parallel-job.js';
import { cli } from '../session/cli-capture.js';

describe('gil-top compare', () => {
  it('runs the same workload and seed under each policy and tabulates each run as run alone', async () => {
    const r = await cli('compare', '--preset', 'echo-fib-py3', '--policies', 'py2,free-threaded', '--seed', '5', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ preset: 'echo-fib-py3', seed: '5', cores: 2, profile: 'article-vm', interrupted: false });
    const preset = loadPreset('echo-fib-py3');
    const alone = (['py2', 'free-threaded'] as const).map((policy) => compareRow(preset, runJob({ preset, overrides: { policy, seed: '5' } })));
    expect(out.rows).toEqual(alone);
    expect(out.rows[0].latency.p50).toBeGreaterThan(0);
    expect(out.rows[1].gilSwitches).toBe(0);
  });

  it('prints a text table with a row per policy in the order given', async () => {
    const r = await cli('compare', '--preset', 'py2-threads-1core', '--policies', 'py3,py2');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('py2-threads-1core: the same workload and seed (1), 1 core, profile article-vm, under py3, py2');
    expect(lines[2]).toMatch(/^policy\s+completion s\s+p50 ms\s+p99 ms\s+max ms\s+cpu threads s\/s\s+wake-ups\s+in vain\s+syscalls\s+GIL switches$/);
    expect(lines[3]).toMatch(/^py3\s+2\.\d{3}\s+-\s+-\s+-\s+1\.00\s/);
    expect(lines[4]).toMatch(/^py2\s/);
  });

  it('measures the CPU-bound threads: without a GIL, two threads on two cores make two seconds of Python a second', async () => {
    const r = await cli('compare', '--preset', 'py2-threads-2cores', '--policies', 'free-threaded', '--json');
    expect(JSON.parse(r.stdout).rows[0].cpuThreadProgress).toBeCloseTo(2, 1);
    expect(cpuThreadNames(loadPreset('echo-fib-py3'))).toEqual(['fib']);
  });

  it.each([
    [['--policies', 'py2,nogil'], '--policies: unknown policy "nogil" (known: py2, py3, free-threaded, priority, bfs)'],
    [['--policies', 'py2,,py3'], '--policies: "py2,,py3" has an empty name (write e.g. py2,py3)'],
    [['--policies', 'py3,py3'], '--policies: "py3" is given twice'],
    [['--policy', 'py3'], '--policy does not apply to "compare"'],
    [['--cores', '0'], '--cores: 0 is out of range (1 to 256)'],
  ])('refuses %j with one line and status 2', async (args, message) => {
    const r = await cli('compare', '--preset', 'echo-fib-py3', ...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gil-top: ${message}\n`);
    expect(r.stdout).toBe('');
  });

  it('needs a preset', async () => {
    const r = await cli('compare');
    expect([r.code, r.stderr]).toEqual([2, 'gil-top: compare needs --preset NAME or --preset FILE (see gil-top presets)\n']);
  });
});
