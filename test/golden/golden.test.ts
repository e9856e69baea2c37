/**
 * Golden files: the exact figures of every preset, of the fidelity report and of recorded
 * sessions, byte for byte. A change that moves any counter of any preset fails here; a change
 * meant to move figures regenerates them with `UPDATE_GOLDEN=1 npx vitest run test/golden` and
 * says why in its commit.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { listPresets, loadPreset } from '../../src/config/load.js';
import { fidelityReport } from '../../src/session/fidelity.js';
import { runHeadless } from '../../src/session/headless.js';
import type { SessionAction } from '../../src/session/driver.js';
import { recordRun, tempDir, writeSmallPreset, someActions } from '../session/fixtures.js';

const here = dirname(fileURLToPath(import.meta.url));
const update = process.env.UPDATE_GOLDEN === '1';

/** Compares `text` with the golden file `name` (or writes it under UPDATE_GOLDEN=1). */
function golden(name: string, text: string): void {
  const file = join(here, 'files', name);
  if (update) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
    return;
  }
  expect(existsSync(file), `${name} is missing: run UPDATE_GOLDEN=1 npx vitest run test/golden`).toBe(true);
  const want = readFileSync(file, 'utf8');
  if (text !== want) {
    // Name the first line that differs: a diff of a 300-line JSON is unreadable in a failure.
    const a = text.split('\n');
    const b = want.split('\n');
    const i = a.findIndex((line, k) => line !== b[k]);
    expect(`${name}:${i + 1}: ${a[i]}`).toBe(`${name}:${i + 1}: ${b[i]}`);
  }
}

/** A session file with its wall-clock figures masked. */
function sessionText(file: string, dir: string): string {
  return readFileSync(file, 'utf8').replaceAll(dir, '<dir>').replace(/"wallSeconds":[-+0-9.e]+/g, '"wallSeconds":0');
}

/** JSON with wall-clock figures removed: they are the only part of a run that may vary. */
function stable(x: unknown): string {
  return JSON.stringify(x, (k, v) => (k === 'wallSeconds' ? undefined : v), 2) + '\n';
}

describe('golden files', () => {
  it('every preset gives the same run, to the last counter', () => {
    for (const p of listPresets()) golden(`runs/${p.name}.json`, stable(runHeadless(p).summary));
  });

  it('the fidelity report is unchanged', () => {
    const { runs: _runs, ...report } = fidelityReport();
    golden('reproduce.json', stable(report));
  });

  it('a recorded session of an echo server under hot swaps is unchanged, byte for byte', () => {
    const dir = tempDir();
    const file = join(dir, 'small.jsonl');
    recordRun(file, writeSmallPreset(dir), someActions);
    golden('sessions/small-echo.jsonl', sessionText(file, dir));
  });

  it('a recorded py2 battle through every policy, interval, core count and a signal is unchanged', () => {
    const dir = tempDir();
    const file = join(dir, 'battle.jsonl');
    const actions: { atNs: number; action: SessionAction }[] = [
      { atNs: 3e6, action: { type: 'checkInterval', ticks: 10 } },
      { atNs: 6e6, action: { type: 'signal' } },
      { atNs: 9e6, action: { type: 'cores', cores: 1 } },
      { atNs: 14e6, action: { type: 'policy', policy: 'py3' } },
      { atNs: 20e6, action: { type: 'switchInterval', ns: 1e6 } },
      { atNs: 24e6, action: { type: 'cores', cores: 4 } },
      { atNs: 27e6, action: { type: 'policy', policy: 'free-threaded' } },
      { atNs: 31e6, action: { type: 'policy', policy: 'py2' } },
      { atNs: 35e6, action: { type: 'checkInterval', ticks: 1000 } },
      { atNs: 38e6, action: { type: 'cores', cores: 2 } },
    ];
    const preset = loadPreset('py2-threads-2cores');
    const small = join(dir, 'battle.json');
    // The article's battle, shortened so that the file stays small.
    const { file: _f, machine: _m, ...data } = preset;
    const spec = { ...data, profile: 'article-vm', threads: data.threads.map((t) => ({ ...t, program: [{ op: 'loop', kind: 'countdown', iterations: 400_000 }] })) };
    writeFileSync(small, JSON.stringify(spec));
    recordRun(file, small, actions, { sampleEveryNs: 2e6 });
    golden('sessions/py2-battle.jsonl', sessionText(file, dir));
  });
});
