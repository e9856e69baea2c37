import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifySession } from '../../src/session/replay.js';
import { openSessionFile } from '../../src/session/session-file.js';
import { signalExitCodes } from '../../src/session/signal-hold.js';
import { tempDir } from './fixtures.js';

const root = join(import.meta.dirname, '..', '..');

/** Starts `gil-top run --record FILE` as a real process; sends `signal` after `delayMs`; resolves with how it ended. */
function runAndSignal(args: string[], signal: NodeJS.Signals, delayMs: number): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, sig) => resolve({ code, signal: sig, stderr }));
    setTimeout(() => child.kill(signal), delayMs);
  });
}

describe('signals at random moments of run --record (real processes)', () => {
  it('SIGINT, SIGTERM and SIGHUP, the first milliseconds included: every file there is finalised and replays exactly', async () => {
    const dir = tempDir();
    // A two-core Python 2 battle: millions of events per simulated second, so that the run is
    // still going when the last signal comes, on a fast machine as on a loaded one (a preset a
    // quiet check could run in bulk reaches the one-hour cap within a second).
    const preset = join(dir, 'battle.json');
    writeFileSync(
      preset,
      JSON.stringify({
        name: 'battle',
        title: 'two threads fight for the GIL',
        description: 'test preset',
        profile: 'article-vm',
        policy: 'py2',
        cores: 2,
        threads: ['t1', 't2'].map((name) => ({ name, program: [{ op: 'loop', kind: 'countdown', iterations: 1e11 }] })),
      }),
    );
    // Deterministic "random" moments: a few in the first milliseconds, the rest spread over 4 s
    // (starting under tsx takes a second or more on a loaded machine).
    let seed = 14;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
    const tally = { finalised: 0, 'killed before gil-top ran': 0 };
    for (let i = 0; i < 12; i++) {
      const signal = signals[i % 3];
      const delay = i < 4 ? [0, 10, 60, 250][i] : Math.round(next() * 4000);
      const file = join(dir, `r${i}.jsonl`);
      const r = await runAndSignal(['run', '--preset', preset, '--record', file], signal, delay);
      const where = `${signal} after ${delay} ms: ${JSON.stringify(r)}`;
      if (r.code === null) {
        // The signal came while Node itself was still starting, before gil-top's first line
        // (which holds signals): the process never began, so there is no file to keep.
        expect(r.signal, where).toBe(signal);
        expect(existsSync(file), where).toBe(false);
        tally['killed before gil-top ran']++;
        continue;
      }
      expect(r.code, where).toBe(signalExitCodes[signal]);
      expect(r.stderr, where).toBe('');
      const session = openSessionFile(file);
      expect(session.warnings, where).toEqual([]);
      expect(session.end?.reason, where).toBe('interrupted');
      const report = verifySession(session);
      expect(report.verdict, where).toBe('matches');
      tally.finalised++;
    }
    console.log(`signals: ${JSON.stringify(tally)}`);
    expect(tally.finalised).toBeGreaterThanOrEqual(4);
  }, 240_000);
});
