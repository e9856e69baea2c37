import { policyNames, threadViewNames, type PolicyName, type Snapshot, type ThreadViewName } from '../model/index.js';
import type { SessionSample } from './session-file.js';

/**
 * A sample as a flat vector of numbers (and nulls, for a client's percentiles before its first
 * request), in a fixed order. Replay compares two samples as two such vectors, and version 2 of
 * the session format writes most samples as the difference from the one before (a `delta` line):
 * between two samples 10 ms apart most figures move little or not at all, so a line of small
 * integers replaces a kilobyte of named fields.
 *
 *   atNs, events, policy (index in policyNames), checkInterval, switchIntervalNs,
 *   the thread on each core,
 *   the counters (COUNTER_PATHS order),
 *   per thread: view (index in threadViewNames), core, holdsGil (0/1), cpuNs, gilHeldNs,
 *               gilWaitNs, runnableNs, acquisitions, requests,
 *   per process: GIL holder, waiters, dropRequest (0/1),
 *   per client: requests, p50Ns, p99Ns, maxNs.
 */
export type Flat = (number | null)[];

/** The shape of a sample: what the flat vector's length and meaning depend on. */
export interface SampleShape {
  cores: number;
  threads: number;
  gils: number;
  clients: readonly string[];
}

/** The counters of a sample in flat order, as paths into `counters`. */
export const COUNTER_PATHS: readonly (readonly [string] | readonly [string, string])[] = [
  ...(['futex_wait', 'futex_wait_timeout', 'futex_wake', 'recv', 'send', 'accept', 'connect', 'close', 'clock_nanosleep'] as const).map((k) => ['syscalls', k] as const),
  ['wakeups'],
  ['spuriousWakeups'],
  ['contextSwitches', 'voluntary'],
  ['contextSwitches', 'involuntary'],
  ['gilAcquisitions'],
  ['gilSwitches'],
  ['dropRequests'],
  ['forcedSwitches'],
  ['ticks'],
  ['checks'],
];
const THREAD_FIELDS = ['view', 'core', 'holdsGil', 'cpuNs', 'gilHeldNs', 'gilWaitNs', 'runnableNs', 'acquisitions', 'requests'] as const;
const GIL_FIELDS = ['holder', 'waiters', 'dropRequest'] as const;
const CLIENT_FIELDS = ['requests', 'p50Ns', 'p99Ns', 'maxNs'] as const;
const HEAD = 5;

/** What a position of the vector may hold. */
const enum Kind {
  /** A whole number >= 0. */
  Nat,
  /** A whole number (a core or thread id, -1 for none). */
  Int,
  /** An index in policyNames. */
  Policy,
  /** An index in threadViewNames. */
  View,
  /** 0 or 1. */
  Bool,
  /** A whole number >= 0, or null. */
  NatOrNull,
}

export function shapeOf(s: SessionSample): SampleShape {
  return { cores: s.cores.length, threads: s.threads.length, gils: s.gils.length, clients: s.clients.map((c) => c.name) };
}

const num = (x: number | null | undefined): number | null => (typeof x === 'number' && Number.isFinite(x) ? x : null);

/** The flat vector of a sample (non-finite numbers become null, as JSON writes them). */
export function flatten(s: SessionSample): Flat {
  const v: Flat = [s.atNs, s.events, policyNames.indexOf(s.policy), num(s.checkInterval), num(s.switchIntervalNs)];
  for (const c of s.cores) v.push(c);
  const c = s.counters as unknown as Record<string, Record<string, number> & number>;
  for (const p of COUNTER_PATHS) v.push(num(p.length === 1 ? c[p[0]] : c[p[0]][p[1]]));
  for (const t of s.threads)
    v.push(threadViewNames.indexOf(t.view), t.core, t.holdsGil ? 1 : 0, num(t.cpuNs), num(t.gilHeldNs), num(t.gilWaitNs), num(t.runnableNs), t.acquisitions, t.requests);
  for (const g of s.gils) v.push(g.holder, g.waiters, g.dropRequest ? 1 : 0);
  for (const cl of s.clients) v.push(cl.requests, num(cl.p50Ns), num(cl.p99Ns), num(cl.maxNs));
  return v;
}

/**
 * The flat vector of the sample a snapshot gives (`flatten(sampleOf(s))`, without building the
 * sample: the recorder and the replay do this every sample).
 */
export function flattenSnapshot(s: Snapshot): Flat {
  const v: Flat = [s.now, s.events, policyNames.indexOf(s.policy), num(s.checkInterval), num(s.switchIntervalNs)];
  for (const c of s.cores) v.push(c.thread);
  const c = s.counters as unknown as Record<string, Record<string, number> & number>;
  for (const p of COUNTER_PATHS) v.push(num(p.length === 1 ? c[p[0]] : c[p[0]][p[1]]));
  for (const t of s.threads)
    v.push(threadViewNames.indexOf(t.view), t.core, t.holdsGil ? 1 : 0, num(t.cpuNs), num(t.gilHeldNs), num(t.gilWaitNs), num(t.runnableNs), t.acquisitions, t.requests);
  for (const p of s.processes) v.push(p.gil.holder, p.gil.waiters, p.gil.dropRequest ? 1 : 0);
  for (const cl of s.clients) v.push(cl.requests, num(cl.p50Ns), num(cl.p99Ns), num(cl.maxNs));
  return v;
}

/** Whether a snapshot's sample has `shape`. */
export function snapshotHasShape(s: Snapshot, shape: SampleShape): boolean {
  return s.cores.length === shape.cores && s.threads.length === shape.threads && s.processes.length === shape.gils && s.clients.length === shape.clients.length && s.clients.every((c, i) => c.name === shape.clients[i]);
}

/** The sample of a flat vector of `shape` (the inverse of `flatten` for valid vectors). */
export function unflatten(v: Flat, shape: SampleShape): SessionSample {
  let i = HEAD;
  const n = () => v[i++] as number;
  const cores = Array.from({ length: shape.cores }, n);
  const counters: Record<string, unknown> = { syscalls: {}, contextSwitches: {} };
  for (const p of COUNTER_PATHS) {
    if (p.length === 1) counters[p[0]] = n();
    else (counters[p[0]] as Record<string, number>)[p[1]] = n();
  }
  const threads = Array.from({ length: shape.threads }, () => ({
    view: threadViewNames[n()] as ThreadViewName,
    core: n(),
    holdsGil: n() === 1,
    cpuNs: n(),
    gilHeldNs: n(),
    gilWaitNs: n(),
    runnableNs: n(),
    acquisitions: n(),
    requests: n(),
  }));
  const gils = Array.from({ length: shape.gils }, () => ({ holder: n(), waiters: n(), dropRequest: n() === 1 }));
  const clients = shape.clients.map((name) => ({ name, requests: n(), p50Ns: v[i++], p99Ns: v[i++], maxNs: v[i++] }));
  return {
    type: 'sample',
    atNs: v[0] as number,
    events: v[1] as number,
    policy: policyNames[v[2] as number] as PolicyName,
    checkInterval: v[3] as number,
    switchIntervalNs: v[4] as number,
    cores,
    counters: counters as SessionSample['counters'],
    threads,
    gils,
    clients,
  };
}

/** The name of position `i` of a vector of `shape`, for a divergence message. */
export function fieldAt(shape: SampleShape, i: number): string {
  if (i < HEAD) return ['atNs', 'events', 'policy', 'checkInterval', 'switchIntervalNs'][i];
  i -= HEAD;
  if (i < shape.cores) return `cores[${i}]`;
  i -= shape.cores;
  if (i < COUNTER_PATHS.length) return `counters.${COUNTER_PATHS[i].join('.')}`;
  i -= COUNTER_PATHS.length;
  if (i < shape.threads * THREAD_FIELDS.length) return `threads[${Math.floor(i / THREAD_FIELDS.length)}].${THREAD_FIELDS[i % THREAD_FIELDS.length]}`;
  i -= shape.threads * THREAD_FIELDS.length;
  if (i < shape.gils * GIL_FIELDS.length) return `gils[${Math.floor(i / GIL_FIELDS.length)}].${GIL_FIELDS[i % GIL_FIELDS.length]}`;
  i -= shape.gils * GIL_FIELDS.length;
  return `clients[${Math.floor(i / CLIENT_FIELDS.length)}].${CLIENT_FIELDS[i % CLIENT_FIELDS.length]}`;
}

/** A value at position `i` as a sample holds it (a policy's name, a view's name, a boolean). */
export function valueAt(shape: SampleShape, i: number, x: number | null): unknown {
  const k = kindAt(shape, i);
  if (x === null) return null;
  return k === Kind.Policy ? (policyNames[x] ?? x) : k === Kind.View ? (threadViewNames[x] ?? x) : k === Kind.Bool ? x === 1 : x;
}

function kindAt(shape: SampleShape, i: number): Kind {
  if (i === 2) return Kind.Policy;
  if (i < HEAD) return Kind.Nat;
  i -= HEAD;
  if (i < shape.cores) return Kind.Int;
  i -= shape.cores;
  if (i < COUNTER_PATHS.length) return Kind.Nat;
  i -= COUNTER_PATHS.length;
  if (i < shape.threads * THREAD_FIELDS.length) return [Kind.View, Kind.Int, Kind.Bool, Kind.Nat, Kind.Nat, Kind.Nat, Kind.Nat, Kind.Nat, Kind.Nat][i % THREAD_FIELDS.length];
  i -= shape.threads * THREAD_FIELDS.length;
  if (i < shape.gils * GIL_FIELDS.length) return [Kind.Int, Kind.Nat, Kind.Bool][i % GIL_FIELDS.length];
  i -= shape.gils * GIL_FIELDS.length;
  return i % CLIENT_FIELDS.length === 0 ? Kind.Nat : Kind.NatOrNull;
}

/**
 * The vector a delta line `d` gives after `prev`, checked position by position (whole numbers,
 * in range, null only where a sample may hold one), or a reason it is not a valid sample.
 */
export function applyDelta(prev: Flat, d: unknown, shape: SampleShape): Flat | string {
  if (!Array.isArray(d)) return 'd: must be an array';
  if (d.length !== prev.length) return `d: must hold ${prev.length} numbers (the sample before it has that many), not ${d.length}`;
  const v: Flat = new Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const x = d[i] as unknown;
    const p = prev[i];
    let y: number | null;
    if (x === null) y = null;
    else if (typeof x !== 'number' || !Number.isSafeInteger(x)) return `d[${i}] (${fieldAt(shape, i)}): must be a whole number`;
    else y = p === null ? x : p + x;
    const bad = checkValue(kindAt(shape, i), y);
    if (bad !== null) return `d[${i}] (${fieldAt(shape, i)}): ${bad}`;
    v[i] = y;
  }
  return v;
}

function checkValue(k: Kind, y: number | null): string | null {
  if (y === null) return k === Kind.NatOrNull ? null : 'must not be null';
  if (!Number.isSafeInteger(y)) return 'must be a whole number';
  switch (k) {
    case Kind.Nat:
    case Kind.NatOrNull:
      return y >= 0 ? null : 'must not be negative';
    case Kind.Int:
      return y >= -1 ? null : 'must be -1 or more';
    case Kind.Policy:
      return y >= 0 && y < policyNames.length ? null : 'is not a policy';
    case Kind.View:
      return y >= 0 && y < threadViewNames.length ? null : 'is not a thread state';
    case Kind.Bool:
      return y === 0 || y === 1 ? null : 'must be 0 or 1';
  }
}

/**
 * The text of the delta line of `cur` after `prev` (same shape): each number minus the one
 * before, a null as null, a number after a null as itself. Null
 * when a value is not a whole number (a fraction would not come back exactly from a sum): then
 * the sample is written whole.
 */
export function deltaLine(prev: Flat, cur: Flat): string | null {
  if (prev.length !== cur.length) return null;
  const d: Flat = new Array(cur.length);
  for (let i = 0; i < cur.length; i++) {
    const c = cur[i];
    const p = prev[i];
    if (c === null) d[i] = null;
    else if (!Number.isSafeInteger(c)) return null;
    else if (p === null) d[i] = c;
    else {
      const x = c - p;
      if (!Number.isSafeInteger(x)) return null;
      d[i] = x;
    }
  }
  return `{"type":"delta","d":${JSON.stringify(d)}}`;
}

/** The first position where two vectors differ, -1 if none. */
export function firstDifferenceAt(a: Flat, b: Flat): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return -1;
}
