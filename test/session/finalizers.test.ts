import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifySession } from '../../src/session/replay.js';
import { readSessionFile } from '../../src/session/session-file.js';
import { tempDir, writeSmallPreset } from './fixtures.js';

const root = join(import.meta.dirname, '..', '..');

/** Runs a TypeScript entry point under tsx; resolves with its exit code, signal and stderr. */
function run(args: string[], onStart?: (kill: (s: NodeJS.Signals) => void) => void): Promise<{ code: number | null; signal: string | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
    onStart?.((s) => child.kill(s));
  });
}

/** Calls `then` once `file` has at least `lines` complete lines. */
function whenLines(file: string, lines: number, then: () => void): void {
  const poll = setInterval(() => {
    if (existsSync(file) && readFileSync(file, 'utf8').split('\n').length > lines) {
      clearInterval(poll);
      then();
    }
  }, 20);
}

function endOf(file: string) {
  const s = readSessionFile(file);
  expect(s.warnings).toEqual([]);
  return s;
}

describe('a recording is finalised however the process ends', () => {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`on ${signal} during gil-top run --record, and it still replays exactly`, async () => {
      const dir = tempDir();
      const preset = writeSmallPreset(dir, 1e11);
      const file = join(dir, 'long.jsonl');
      const r = await run(['src/cli/main.ts', 'run', '--preset', preset, '--record', file], (kill) => whenLines(file, 8, () => kill(signal)));
      expect(r.code).toBe(signal === 'SIGTERM' ? 143 : 130);
      const session = endOf(file);
      expect(session.end!.reason).toBe('interrupted');
      expect(session.samples.length).toBeGreaterThanOrEqual(7);
      expect(verifySession(session).divergence).toBeNull();
    });
  }

  for (const [how, reason, code] of [
    ['crash', 'crashed', 1],
    ['reject', 'crashed', 1],
    ['quit', 'quit', 0],
  ] as const) {
    it(`on ${how === 'quit' ? 'a normal exit' : `an uncaught ${how === 'crash' ? 'error' : 'rejection'}`}`, async () => {
      const dir = tempDir();
      const file = join(dir, `${how}.jsonl`);
      const r = await run(['test/session/crash-child.ts', file, how, writeSmallPreset(dir)]);
      expect(r.code).toBe(code);
      if (how !== 'quit') expect(r.stderr).toContain('fell over');
      const session = endOf(file);
      expect(session.end).toMatchObject({ reason, atNs: 30e6 });
      expect(session.samples).toHaveLength(30);
    });
  }
});
