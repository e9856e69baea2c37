import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { cpusPid, perfettoTrace, writeTrace, type ChromeTrace, type TraceEvent } from '../../src/session/perfetto.js';
import { readSessionFile, type LoadedSession } from '../../src/session/session-file.js';
import { recordRun, someActions, tempDir, writeSmallPreset } from './fixtures.js';

let dir: string;
let session: LoadedSession;
let trace: ChromeTrace;

beforeAll(() => {
  dir = tempDir();
  const file = join(dir, 's.jsonl');
  recordRun(file, writeSmallPreset(dir));
  session = readSessionFile(file);
  const r = perfettoTrace(session);
  expect(r.divergence).toBeNull();
  trace = r.trace;
});

/**
 * Checks the Chrome Trace Event Format's rules as chrome://tracing and Perfetto's JSON importer
 * apply them; returns the problems found.
 */
function formatProblems(t: ChromeTrace): string[] {
  const problems: string[] = [];
  if (!Array.isArray(t.traceEvents)) return ['traceEvents is not an array'];
  const tracks = new Map<string, TraceEvent[]>();
  t.traceEvents.forEach((e, i) => {
    const at = `event ${i} (${JSON.stringify(e).slice(0, 80)})`;
    if (typeof e.name !== 'string' || e.name === '') problems.push(`${at}: name`);
    if (!['X', 'i', 'C', 'M'].includes(e.ph)) problems.push(`${at}: ph`);
    if (typeof e.ts !== 'number' || !Number.isFinite(e.ts) || e.ts < 0) problems.push(`${at}: ts`);
    if (!Number.isInteger(e.pid) || !Number.isInteger(e.tid)) problems.push(`${at}: pid/tid`);
    if (e.ph === 'X') {
      if (typeof e.dur !== 'number' || !(e.dur >= 0)) problems.push(`${at}: dur`);
      const k = `${e.pid}/${e.tid}`;
      tracks.set(k, [...(tracks.get(k) ?? []), e]);
    }
    if (e.ph === 'i' && !['g', 'p', 't'].includes(e.s ?? '')) problems.push(`${at}: instant scope`);
    if (e.ph === 'C' && (typeof e.args !== 'object' || Object.values(e.args).some((v) => typeof v !== 'number'))) problems.push(`${at}: counter args must be numbers`);
    if (e.ph === 'M') {
      if (!['process_name', 'thread_name', 'process_sort_index', 'thread_sort_index'].includes(e.name)) problems.push(`${at}: metadata name`);
      if (e.name.endsWith('_name') && typeof e.args?.name !== 'string') problems.push(`${at}: metadata args.name`);
    }
  });
  // Slices on one track must nest: each starts after the enclosing one starts and ends before it ends.
  for (const [k, slices] of tracks) {
    const sorted = [...slices].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
    const stack: TraceEvent[] = [];
    for (const s of sorted) {
      while (stack.length > 0 && stack.at(-1)!.ts + stack.at(-1)!.dur! <= s.ts + 1e-9) stack.pop();
      const top = stack.at(-1);
      if (top !== undefined && s.ts + s.dur! > top.ts + top.dur! + 1e-9) problems.push(`track ${k}: "${s.name}" at ${s.ts} overlaps "${top.name}" at ${top.ts} without nesting`);
      stack.push(s);
    }
  }
  return problems;
}

describe('Perfetto export', () => {
  it('is valid Chrome Trace Event Format: required fields, and slices nest on every track', () => {
    expect(trace.displayTimeUnit).toBe('ns');
    expect(formatProblems(trace)).toEqual([]);
  });

  it('the checker catches what it checks', () => {
    const bad: ChromeTrace = {
      displayTimeUnit: 'ns',
      otherData: {},
      traceEvents: [
        { name: 'a', ph: 'X', ts: 0, dur: 10, pid: 1, tid: 1 },
        { name: 'b', ph: 'X', ts: 5, dur: 10, pid: 1, tid: 1 },
        { name: 'c', ph: 'i', ts: 1, pid: 1, tid: 1 },
      ],
    };
    expect(formatProblems(bad)).toEqual([expect.stringContaining('instant scope'), 'track 1/1: "b" at 5 overlaps "a" at 0 without nesting']);
  });

  it('names every process and thread, and a track per core in a CPUs process', () => {
    const meta = trace.traceEvents.filter((e) => e.ph === 'M' && e.name.endsWith('_name')).map((e) => [e.name, e.pid, e.args!.name]);
    expect(meta).toEqual(
      expect.arrayContaining([
        ['process_name', cpusPid, 'CPUs'],
        ['process_name', 2, 'main (Python)'],
        ['process_name', 3, 'client'],
        ['thread_name', 2, 'server'],
        ['thread_name', 2, 'worker'],
        ['thread_name', 3, 'client'],
        ['thread_name', cpusPid, 'core 0'],
        ['thread_name', cpusPid, 'core 1'],
        ['thread_name', cpusPid, 'core 2'],
      ]),
    );
  });

  it('draws running, waiting for the GIL and blocked in I/O on thread tracks, in microseconds', () => {
    const slices = trace.traceEvents.filter((e) => e.ph === 'X' && e.pid !== cpusPid);
    const names = new Set(slices.map((e) => e.name));
    for (const n of ['running with the GIL', 'waiting for the GIL', 'blocked in I/O', 'running']) expect(names).toContain(n);
    // The worker's time running with the GIL is its GIL-held time (both in the final summary).
    const worker = session.end!.summary as { threads: { name: string; gilHeldSeconds: number; cpuSeconds: number }[] };
    const w = worker.threads.find((t) => t.name === 'worker')!;
    const workerTid = trace.traceEvents.find((e) => e.ph === 'M' && e.args?.name === 'worker')!.tid;
    const ranUs = slices.filter((e) => e.tid === workerTid && e.name === 'running with the GIL').reduce((a, e) => a + e.dur!, 0);
    expect(ranUs / 1e6).toBeGreaterThan(w.gilHeldSeconds * 0.95);
    expect(ranUs / 1e6).toBeLessThanOrEqual(w.cpuSeconds + 1e-9);
    const end = session.end!.atNs / 1000;
    expect(Math.max(...slices.map((e) => e.ts + e.dur!))).toBeLessThanOrEqual(end + 1e-6);
  });

  it('core tracks never show one thread on two cores at once', () => {
    const cores = trace.traceEvents.filter((e) => e.ph === 'X' && e.pid === cpusPid);
    expect(cores.length).toBeGreaterThan(10);
    const byThread = new Map<string, TraceEvent[]>();
    for (const e of cores) byThread.set(e.name, [...(byThread.get(e.name) ?? []), e]);
    for (const list of byThread.values()) {
      list.sort((a, b) => a.ts - b.ts);
      for (let i = 1; i < list.length; i++) expect(list[i].ts).toBeGreaterThanOrEqual(list[i - 1].ts + list[i - 1].dur! - 1e-6);
    }
  });

  it('control actions are global instants at their simulated instant; counters come from the samples', () => {
    const actions = trace.traceEvents.filter((e) => e.cat === 'action');
    expect(actions.map((e) => [e.ph, e.s, e.ts, e.args!.type])).toEqual(someActions.map((a) => ['i', 'g', a.atNs / 1000, a.action.type]));
    expect(actions.map((e) => e.name)).toContain('switch interval 1 ms');
    const counters = trace.traceEvents.filter((e) => e.ph === 'C');
    const names = new Set(counters.map((e) => e.name));
    expect([...names].sort()).toEqual(['GIL per 1 ms', 'context switches per 1 ms', 'syscalls per 1 ms', 'wake-ups per 1 ms']);
    const syscalls = counters.filter((e) => e.name === 'syscalls per 1 ms');
    expect(syscalls).toHaveLength(session.samples.length);
    const total = syscalls.reduce((a, e) => a + (e.args!.futex_wake as number), 0);
    expect(total).toBe(session.samples.at(-1)!.counters.syscalls.futex_wake);
  });

  it('writes through a temporary file and never overwrites without force', () => {
    const out = join(dir, 'trace.json');
    writeFileSync(out, 'precious');
    expect(() => writeTrace(trace, out, false)).toThrow(new InputError(`${out}: already exists (use --force to overwrite it)`));
    expect(readFileSync(out, 'utf8')).toBe('precious');
    writeTrace(trace, out, true);
    const back = JSON.parse(readFileSync(out, 'utf8')) as ChromeTrace;
    expect(back.traceEvents).toHaveLength(trace.traceEvents.length);
    expect(readdirSync(dir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect(() => writeTrace(trace, join(dir, 'no', 'x.json'), false)).toThrow(/no such folder/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });
});
