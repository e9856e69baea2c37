import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { ProbeRun, RawCalibration } from '../../src/calibrate/raw.js';

/** A recorded `gil-top calibrate --quick` (CPython 2.7.18, 3.6.15, 3.12.1 on a loaded 2-vCPU VM, perf present). */
export function recorded(): RawCalibration {
  return JSON.parse(readFileSync(new URL('./fixtures/quick.raw.json', import.meta.url), 'utf8')) as RawCalibration;
}

/** A raw calibration holding only these runs. */
export function rawWith(runs: Partial<ProbeRun>[], interpreters: RawCalibration['interpreters'] = []): RawCalibration {
  return {
    tool: 'test',
    date: '2026-11-27T00:00:00Z',
    options: { quick: true, base: 'epyc-vm', pythons: [] },
    machine: { cpuModel: null, cpus: 2, kernel: 'test', hostname: 'test' },
    loadavg: { start: null, end: null },
    interpreters,
    perf: { available: false, reason: 'test' },
    runs: runs.map((r) => ({ probe: 'x', python: '3.0.0', command: [], params: {}, startedAt: '', seconds: 0, loadavg: null, exitCode: 0, timedOut: false, stdout: '', stderr: '', ...r })),
  };
}

/** Probe output: one JSON line per record. */
export const lines = (...recs: object[]): string => recs.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** A fresh temporary folder, removed when the test file is done. */
export function tempDirs(prefix: string): () => string {
  const made: string[] = [];
  afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
  return () => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    made.push(d);
    return d;
  };
}
