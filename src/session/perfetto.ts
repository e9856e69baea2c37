import { closeSync, constants, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError, OutputError } from '../config/input-error.js';
import { ioReason } from '../config/read-input.js';
import { checkOutputPath } from './output-file.js';
import type { WallBudget } from './wall-budget.js';
import { actionText } from './driver.js';
import { ReplayPlayer, type Divergence } from './replay.js';
import type { SessionFile } from './session-file.js';
import { copyCounters, createCounters, type Counters, ThreadView } from '../model/index.js';

/**
 * One event of the Chrome Trace Event Format (the JSON that Perfetto UI and chrome://tracing
 * open). Times are microseconds.
 */
export interface TraceEvent {
  name: string;
  /** Phase: X complete slice, i instant, C counter, M metadata. */
  ph: 'X' | 'i' | 'C' | 'M';
  ts: number;
  pid: number;
  tid: number;
  /** Duration of an X slice, µs. */
  dur?: number;
  cat?: string;
  /** Scope of an instant: g global, t thread. */
  s?: 'g' | 'p' | 't';
  args?: Record<string, unknown>;
}

/** The trace file: `{traceEvents, displayTimeUnit}`, the JSON Object Format. */
export interface ChromeTrace {
  traceEvents: TraceEvent[];
  displayTimeUnit: 'ns';
  otherData: Record<string, string | number>;
}

/** pid of the pseudo-process holding a track per core and the counters. */
export const cpusPid = 1;
/** tid of a thread (offset so that it never meets a core's tid). */
const threadTid = (id: number) => 1000 + id;
const coreTid = (core: number) => 1 + core;
const us = (ns: number) => ns / 1000;

/** Slice names of thread views; views absent here (new, done) draw nothing. */
const sliceNames: Partial<Record<number, string>> = {
  [ThreadView.Ready]: 'ready (waiting for a core)',
  [ThreadView.Wait]: 'waiting for the GIL',
  [ThreadView.Spin]: 'GIL code (on a core)',
  [ThreadView.Io]: 'blocked in I/O',
  [ThreadView.Sys]: 'I/O system call',
};
const viewCategories = ['run', 'ready', 'wait', 'spin', 'io', 'sys', 'new', 'done', 'vain'];


/**
 * Re-simulates a session with tracing on and turns it into a Chrome trace: a track per thread
 * (slices for running, waiting for the GIL, blocked in I/O...), a track per core in a "CPUs"
 * pseudo-process, counter tracks from the recorded samples, the control actions as global
 * instants, and process and thread names as metadata. Also returns the replay's divergence, if
 * the re-simulation did not reproduce the recording.
 */
export function perfettoTrace(session: SessionFile): { trace: ChromeTrace; divergence: Divergence | null } {
  const traceEvents: TraceEvent[] = [];
  const { otherData, divergence } = perfettoEvents(session, (e) => traceEvents.push(e));
  return { trace: { traceEvents, displayTimeUnit: 'ns', otherData }, divergence };
}

/**
 * The events of `perfettoTrace`, handed to `emit` as the re-simulation makes them (in no
 * particular order: the format does not need one), so that a long session never has to be
 * held in memory as a whole.
 */
export function perfettoEvents(
  session: SessionFile,
  emit: (e: TraceEvent) => void,
  budget?: WallBudget,
  range: TimeRange = {},
): { otherData: ChromeTrace['otherData']; divergence: Divergence | null; player: ReplayPlayer } {
  const player = new ReplayPlayer(session);
  const sim = player.driver.sim;
  const meta = { push: emit };
  // Only what lies within the range (slices cut at its ends); the re-simulation stops at its end.
  const fromNs = range.fromNs ?? 0;
  const toNs = range.toNs ?? Infinity;
  const events = {
    push: (e: TraceEvent) => {
      const start = e.ts * 1000;
      const end = start + (e.dur ?? 0) * 1000;
      if (end < fromNs || start > toNs || (e.dur !== undefined && end === fromNs)) return;
      if (e.dur !== undefined) {
        const a = Math.max(start, fromNs);
        const b = Math.min(end, toNs);
        if (b <= a) return;
        emit({ ...e, ts: us(a), dur: us(b - a) });
      } else emit(e);
    },
  };

  // Processes and threads.
  const pids = new Map<string, number>();
  meta.push({ name: 'process_name', ph: 'M', ts: 0, pid: cpusPid, tid: 0, args: { name: 'CPUs' } });
  meta.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid: cpusPid, tid: 0, args: { sort_index: 0 } });
  for (const t of sim.threadInfo) {
    let pid = pids.get(t.process);
    if (pid === undefined) {
      pid = cpusPid + 1 + pids.size;
      pids.set(t.process, pid);
      meta.push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: 0, args: { name: t.python ? `${t.process} (Python)` : t.process } });
      meta.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid, tid: 0, args: { sort_index: pid } });
    }
    meta.push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: threadTid(t.id), args: { name: t.name } });
    meta.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid, tid: threadTid(t.id), args: { sort_index: t.id } });
  }
  const pidOf = sim.threadInfo.map((t) => pids.get(t.process)!);
  const namedCores = new Set<number>();
  const nameCore = (id: number) => {
    if (namedCores.has(id)) return;
    namedCores.add(id);
    meta.push({ name: 'thread_name', ph: 'M', ts: 0, pid: cpusPid, tid: coreTid(id), args: { name: `core ${id}` } });
    meta.push({ name: 'thread_sort_index', ph: 'M', ts: 0, pid: cpusPid, tid: coreTid(id), args: { sort_index: id } });
  };

  // Thread tracks, from the engine's trace of view changes.
  const trace = sim.enableTrace(1 << 16);
  let read = 0;
  const open = sim.threadInfo.map(() => ({ view: -1, since: 0 }));
  const runName = (id: number) => (sim.threadInfo[id].python && sim.policy !== 'free-threaded' ? 'running with the GIL' : 'running');
  const closeThread = (id: number, at: number) => {
    const o = open[id];
    const name = o.view === ThreadView.Run ? runName(id) : sliceNames[o.view];
    if (name !== undefined && at > o.since) events.push({ name, cat: viewCategories[o.view], ph: 'X', ts: us(o.since), dur: us(at - o.since), pid: pidOf[id], tid: threadTid(id) });
  };
  const drain = () => {
    if (trace.written - read > trace.capacity) throw new Error('perfetto export: the trace buffer overflowed between two reads');
    trace.forEachSince(read, (time, id, view) => {
      if (view === ThreadView.Vain) {
        events.push({ name: 'woke in vain', cat: 'vain', ph: 'i', s: 't', ts: us(time), pid: pidOf[id], tid: threadTid(id) });
        return;
      }
      closeThread(id, time);
      open[id] = { view, since: time };
    });
    read = trace.written;
  };

  // Core tracks: who is on each core, read after every event.
  const onCore: { thread: number; since: number }[] = [];
  const closeCore = (c: number, at: number) => {
    const o = onCore[c];
    if (o.thread >= 0 && at > o.since)
      events.push({ name: sim.threadInfo[o.thread].name, cat: 'core', ph: 'X', ts: us(o.since), dur: us(at - o.since), pid: cpusPid, tid: coreTid(c), args: { thread: sim.threadInfo[o.thread].name } });
  };
  const scanCores = () => {
    for (let c = 0; c < sim.coreSlots; c++) {
      const thread = sim.threadOnCore(c);
      const o = onCore[c];
      if (o === undefined) {
        nameCore(c);
        onCore[c] = { thread, since: sim.now };
      } else if (o.thread !== thread) {
        closeCore(c, sim.now);
        onCore[c] = { thread, since: sim.now };
      }
    }
  };

  // Actions as global instants.
  player.driver.addListener({
    onAction: (entry) => events.push({ name: actionText(entry.action), cat: 'action', ph: 'i', s: 'g', ts: us(entry.atNs), pid: cpusPid, tid: 0, args: { ...entry.action } }),
  });

  // Counter tracks from the recorded samples, as the replay checks them: what happened in each
  // sample interval. A recording started mid-session has no sample before its first: that
  // interval is unknown.
  const every = session.header.config.sampleEveryNs;
  const per = `per ${every / 1e6} ms`;
  let prev: Counters | null = null;
  let first = true;
  player.onRecordedSample = (s) => {
    const c = s.counters;
    const p = prev ?? createCounters();
    if (!first || s.atNs === every) {
      const ts = us(s.atNs - every);
      const syscalls: Record<string, number> = {};
      for (const k of Object.keys(c.syscalls) as (keyof Counters['syscalls'])[]) syscalls[k] = c.syscalls[k] - p.syscalls[k];
      events.push({ name: `syscalls ${per}`, ph: 'C', ts, pid: cpusPid, tid: 0, args: syscalls });
      events.push({ name: `wake-ups ${per}`, ph: 'C', ts, pid: cpusPid, tid: 0, args: { wakeups: c.wakeups - p.wakeups, 'in vain': c.spuriousWakeups - p.spuriousWakeups } });
      events.push({
        name: `context switches ${per}`,
        ph: 'C',
        ts,
        pid: cpusPid,
        tid: 0,
        args: { voluntary: c.contextSwitches.voluntary - p.contextSwitches.voluntary, involuntary: c.contextSwitches.involuntary - p.contextSwitches.involuntary },
      });
      events.push({ name: `GIL ${per}`, ph: 'C', ts, pid: cpusPid, tid: 0, args: { acquisitions: c.gilAcquisitions - p.gilAcquisitions, switches: c.gilSwitches - p.gilSwitches } });
    }
    first = false;
    prev = copyCounters(c);
  };

  scanCores();
  drain();
  try {
    // One event at a time: who is on each core is read after every event.
    player.playTo(toNs, {
      chunk: 1,
      budget,
      each: () => {
        drain();
        scanCores();
      },
    });
  } finally {
    player.close();
  }
  const endNs = Math.min(sim.now, toNs);
  for (let id = 0; id < open.length; id++) closeThread(id, endNs);
  for (let c = 0; c < onCore.length; c++) closeCore(c, endNs);

  const h = session.header;
  return {
    otherData: { source: basename(session.file), preset: String(h.config.preset.name), seed: h.config.seed, recordedBy: `gil-top ${h.gilTop}`, createdAt: h.createdAt },
    divergence: player.divergence,
    player,
  };
}

/** A stretch of simulated time, ns (either end open). */
export interface TimeRange {
  fromNs?: number;
  toNs?: number;
}

/** What an export wrote, and what its replay found. */
export interface PerfettoResult {
  events: number;
  bytes: number;
  divergence: Divergence | null;
  /** The replay's verdict line (it may have stopped early, or not verified). */
  player: ReplayPlayer;
}

/**
 * Exports a session to `out` as it re-simulates it, streaming the events to a temporary file
 * renamed into place at the end. Never replaces anything but a regular file, and that only with
 * `force`; never the session file itself.
 */
export function writePerfetto(session: SessionFile, out: string, force: boolean, budget?: WallBudget, range: TimeRange = {}): PerfettoResult {
  const w = new TraceWriter(out, force, [session.file]);
  try {
    const { otherData, divergence, player } = perfettoEvents(session, (e) => w.event(e), budget, range);
    return { ...w.finish(otherData), divergence, player };
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Writes a trace held in memory to `out` (same rules as `writePerfetto`); returns its size in bytes. */
export function writeTrace(trace: ChromeTrace, out: string, force: boolean): number {
  const w = new TraceWriter(out, force);
  for (const e of trace.traceEvents) w.event(e);
  return w.finish(trace.otherData).bytes;
}

/** Streams `{"traceEvents": [...]}` to a temporary file, one event per line, then renames it. */
class TraceWriter {
  private readonly tmp: string;
  private fd: number | null;
  private buffer = '';
  events = 0;
  bytes = 0;

  constructor(
    readonly out: string,
    private readonly force: boolean,
    private readonly inputs: readonly string[] = [],
  ) {
    checkOutputPath(out, force, inputs);
    this.tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
    try {
      this.fd = openSync(this.tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (e) {
      throw this.error(e);
    }
    this.write('{"displayTimeUnit":"ns","traceEvents":[\n');
  }

  event(e: TraceEvent): void {
    this.write((this.events++ === 0 ? '' : ',\n') + JSON.stringify(e));
  }

  finish(otherData: ChromeTrace['otherData']): { events: number; bytes: number } {
    this.write(`\n],"otherData":${JSON.stringify(otherData)}}\n`);
    this.flush();
    closeSync(this.fd!);
    this.fd = null;
    try {
      // Checked again: the path must still be one we may replace.
      checkOutputPath(this.out, this.force, this.inputs);
      renameSync(this.tmp, this.out);
    } catch (e) {
      rmSync(this.tmp, { force: true });
      throw e instanceof InputError ? e : this.error(e);
    }
    return { events: this.events, bytes: this.bytes };
  }

  /** Removes the temporary file after a failure. */
  abort(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
    rmSync(this.tmp, { force: true });
  }

  private write(s: string): void {
    this.buffer += s;
    if (this.buffer.length >= 1 << 20) this.flush();
  }

  private flush(): void {
    const buf = Buffer.from(this.buffer, 'utf8');
    this.buffer = '';
    try {
      let off = 0;
      while (off < buf.length) off += writeSync(this.fd!, buf, off);
    } catch (e) {
      throw new OutputError(`${this.out}: cannot be written (${ioReason(e)}); nothing was written there`);
    }
    this.bytes += buf.length;
  }

  private error(e: unknown): InputError {
    const code = (e as NodeJS.ErrnoException).code;
    return new InputError(`${this.out}: cannot be written (${code === 'ENOENT' ? 'no such folder' : ioReason(e)})`);
  }
}
