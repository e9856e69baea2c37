import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { InputError } from '../config/input-error.js';
import { copyCounters, createCounters, type Counters } from '../engine/counters.js';
import { ThreadView } from '../engine/trace.js';
import type { SessionAction } from './driver.js';
import { ReplayPlayer, type Divergence } from './replay.js';
import type { SessionFile } from './session-file.js';

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

/** How an action reads on the timeline. */
function actionName(a: SessionAction): string {
  switch (a.type) {
    case 'policy':
      return `policy ${a.policy}`;
    case 'checkInterval':
      return `check interval ${a.ticks}`;
    case 'switchInterval':
      return `switch interval ${a.ns / 1e6} ms`;
    case 'cores':
      return `cores ${a.cores}`;
    case 'signal':
      return 'signal (Ctrl+C)';
    case 'pause':
      return 'pause';
    case 'resume':
      return 'resume';
    case 'speed':
      return `speed ${a.speed}x`;
  }
}

/**
 * Re-simulates a session with tracing on and turns it into a Chrome trace: a track per thread
 * (slices for running, waiting for the GIL, blocked in I/O...), a track per core in a "CPUs"
 * pseudo-process, counter tracks from the recorded samples, the control actions as global
 * instants, and process and thread names as metadata. Also returns the replay's divergence, if
 * the re-simulation did not reproduce the recording.
 */
export function perfettoTrace(session: SessionFile): { trace: ChromeTrace; divergence: Divergence | null } {
  const player = new ReplayPlayer(session);
  const sim = player.driver.sim;
  const events: TraceEvent[] = [];
  const meta: TraceEvent[] = [];

  // Processes and threads.
  const pids = new Map<string, number>();
  meta.push({ name: 'process_name', ph: 'M', ts: 0, pid: cpusPid, tid: 0, args: { name: 'CPUs' } });
  meta.push({ name: 'process_sort_index', ph: 'M', ts: 0, pid: cpusPid, tid: 0, args: { sort_index: 0 } });
  for (const t of sim.threads) {
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
  const pidOf = sim.threads.map((t) => pids.get(t.process)!);
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
  const open = sim.threads.map(() => ({ view: -1, since: 0 }));
  const runName = (id: number) => (sim.threads[id].python && sim.policy !== 'free-threaded' ? 'running with the GIL' : 'running');
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
  const cores = sim.kernel.cores;
  const onCore: { thread: number; since: number }[] = [];
  const closeCore = (c: number, at: number) => {
    const o = onCore[c];
    if (o.thread >= 0 && at > o.since)
      events.push({ name: sim.threads[o.thread].name, cat: 'core', ph: 'X', ts: us(o.since), dur: us(at - o.since), pid: cpusPid, tid: coreTid(c), args: { thread: sim.threads[o.thread].name } });
  };
  const scanCores = () => {
    for (let c = 0; c < cores.length; c++) {
      const core = cores[c];
      const thread = core.online && core.curr !== null ? core.curr.id : -1;
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
    onAction: (entry) => events.push({ name: actionName(entry.action), cat: 'action', ph: 'i', s: 'g', ts: us(entry.atNs), pid: cpusPid, tid: 0, args: { ...entry.action } }),
  });

  scanCores();
  drain();
  while (!player.done) {
    const was = sim.now;
    const n = player.advanceTo(Infinity, 1);
    drain();
    scanCores();
    if (n === 0 && sim.now === was) break;
  }
  const endNs = sim.now;
  for (let id = 0; id < open.length; id++) closeThread(id, endNs);
  for (let c = 0; c < onCore.length; c++) closeCore(c, endNs);

  // Counter tracks from the recorded samples: what happened in each sample interval.
  const every = session.header.config.sampleEveryNs;
  const per = `per ${every / 1e6} ms`;
  let prev: { atNs: number; counters: Counters } = { atNs: session.samples[0]?.atNs ?? 0, counters: createCounters() };
  session.samples.forEach((s, i) => {
    const c = s.counters;
    const p = prev.counters;
    // A recording started mid-session has no samples before its first: that interval is unknown.
    if (i > 0 || s.atNs === every) {
      const ts = us(s.atNs - every);
      const syscalls = Object.fromEntries(Object.entries(c.syscalls).map(([k, v]) => [k, v - p.syscalls[k as keyof typeof c.syscalls]]));
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
    prev = { atNs: s.atNs, counters: copyCounters(c) };
  });

  events.sort((a, b) => a.ts - b.ts);
  const h = session.header;
  return {
    trace: {
      traceEvents: [...meta, ...events],
      displayTimeUnit: 'ns',
      otherData: { source: basename(session.file), preset: String(h.config.preset.name), seed: h.config.seed, recordedBy: `gil-top ${h.gilTop}`, createdAt: h.createdAt },
    },
    divergence: player.divergence,
  };
}

/**
 * Writes a trace to `out`: never over an existing file without `force`, and through a temporary
 * file renamed into place, so a failed export leaves no half-written file behind.
 */
export function writeTrace(trace: ChromeTrace, out: string, force: boolean): number {
  if (!force && existsSync(out)) throw new InputError(`${out}: already exists (use --force to overwrite it)`);
  const body = `{"displayTimeUnit":"ns","otherData":${JSON.stringify(trace.otherData)},"traceEvents":[\n${trace.traceEvents.map((e) => JSON.stringify(e)).join(',\n')}\n]}\n`;
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, body);
    renameSync(tmp, out);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`${out}: cannot be written (${code === 'ENOENT' ? 'no such folder' : code ?? (e as Error).message})`);
  }
  return body.length;
}
