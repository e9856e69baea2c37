import { fit, fmtCount, fmtDuration } from './format.js';
import { colorOf, type GilLine, type Segment } from './view-model.js';
import type { GilView, ProcessSnapshot, Snapshot } from '../model/index.js';

/** Width of the GIL panel's labels. */
export const GIL_LABEL_WIDTH = 13;

const threadName = (snap: Snapshot, id: number): string => snap.threads[id]?.name ?? 'idle';

function gauge(fraction: number, width: number): string {
  const w = Math.max(0, width);
  const f = Math.round(Math.max(0, Math.min(1, fraction)) * w);
  return '█'.repeat(f) + '░'.repeat(w - f);
}

/** What a main thread doing each thing does about a pending signal, in a few words. */
const mainDoes: Record<string, string> = {
  run: 'runs it next',
  spin: 'is in GIL code',
  wait: 'waits for GIL',
  ready: 'waits a core',
  io: 'is blocked',
  // (a main thread waiting in a lock acquire says which: `in join`, `in start`)
  sys: 'in a syscall',
  new: 'not started',
  done: 'has ended',
};

/**
 * A pending signal and who must run its handler: only the process's main thread can (under
 * py2 every other thread's check comes back at once meanwhile: the signal storm; a main thread
 * blocked in `join` cannot run it before the join returns, while py3's join gives up on EINTR).
 * Says when there is none, what the main thread is doing, and when KeyboardInterrupt has ended
 * its script (the interpreter then waits for the other threads in threading._shutdown).
 */
function signalLine(snap: Snapshot, p: ProcessSnapshot): Segment[] {
  if (!p.gil.pendingCalls) return p.interrupted ? [{ text: 'KeyboardInterrupt: in _shutdown', color: 'redBright' }] : [{ text: 'none pending' }];
  const m = snap.threads[p.mainThread];
  if (m === undefined) return [{ text: 'PENDING, no main thread', color: 'redBright' }];
  const w = p.mainWaits;
  const doing = w !== null && m.view === 'io' ? `in ${w.kind}` : (mainDoes[m.view] ?? m.view);
  return [{ text: 'PENDING: ', color: 'redBright' }, { text: 'main', color: colorOf(m.id), bold: true }, { text: ` ${doing}`, color: 'redBright' }];
}

/** `row`, or in its place the signal row while a signal is pending or the KeyboardInterrupt it raised runs `_shutdown`. */
function orSignal(snap: Snapshot, p: ProcessSnapshot, row: GilLine): GilLine {
  return p.gil.pendingCalls || p.interrupted ? { label: 'signal', value: signalLine(snap, p) } : row;
}

/** The priority GIL's classes: whether the holder is marked CPU-bound, and how many waiters are not (they preempt it). */
function priorityLine(g: GilView): GilLine {
  const holder = g.holderCpuBound === null ? [{ text: 'nobody holds it' }] : [{ text: g.holderCpuBound ? 'CPU-bound' : 'I/O-bound', color: g.holderCpuBound ? 'yellow' : 'green', bold: true }];
  return { label: 'holder is', value: [...holder, { text: `   I/O waiters ${g.urgentWaiters ?? 0}` }] };
}

/** Free-threaded: the shared object most threads touch at once, and how often each gets its turn on it (a cache-line transfer per thread in line). */
function sharedLine(c: { object: string; threads: number; turnNs: number }): GilLine {
  const who = `${c.threads} thread${c.threads === 1 ? '' : 's'}`;
  return c.turnNs === 0
    ? { label: 'shared obj', value: [{ text: `${fit(c.object, 12).trimEnd()} ${who}: no contention` }] }
    : { label: 'shared obj', value: [{ text: `${fit(c.object, 12).trimEnd()} ${who}: `, color: 'redBright' }, { text: `${fmtDuration(c.turnNs).trim()}/turn`, color: 'redBright', bold: true }] };
}

/** GIL switches per simulated second over the window from `base` (since the start without one). */
export function switchRate(snap: Snapshot, base: Snapshot | undefined): number {
  if (base === undefined) return snap.now > 0 ? snap.counters.gilSwitches / (snap.now / 1e9) : 0;
  return (snap.counters.gilSwitches - base.counters.gilSwitches) / ((snap.now - base.now) / 1e9);
}

/**
 * The GIL panel, `width` columns wide: the holder; under py2 `_Py_Ticker` counting down to the
 * next check, the semaphore and a pending signal; under py3 the waiter's timed wait, the drop
 * request and `switch_number` (under priority also the holder's class); under bfs the holder's slice,
 * the next waiter's virtual deadline and the preempt flag; under free-threaded what is gone;
 * switches per simulated second.
 */
export function gilView(snap: Snapshot, base: Snapshot | undefined, width: number): GilLine[] {
  const valueWidth = width - GIL_LABEL_WIDTH;
  const p = snap.processes[0];
  // Several Python processes (multiprocessing): the panel details the first one's GIL and names
  // the holder of each of the others.
  const more = snap.processes
    .slice(1)
    .map((q) => `  ${q.name}: ${q.gil.holder >= 0 ? threadName(snap, q.gil.holder) : q.gil.policy === 'free-threaded' ? 'no GIL' : '(free)'}`)
    .join('');
  const switches: GilLine = { label: 'switches', value: [{ text: `${fmtCount(switchRate(snap, base), 11)} /s`, bold: true }, { text: `  total ${fmtCount(snap.counters.gilSwitches)}` }] };
  if (p === undefined || p.gil.policy === 'free-threaded') {
    const parallel: GilLine = { label: '', value: [{ text: 'threads run Python in parallel' }] };
    return [
      { label: 'GIL', value: [{ text: 'none (free-threaded)', bold: true }, { text: more }] },
      p === undefined ? parallel : orSignal(snap, p, parallel),
      p?.gil.contended === undefined ? { label: '', value: [{ text: 'no ticker, no timed wait' }] } : sharedLine(p.gil.contended),
      switches,
    ];
  }
  const g = p.gil;
  const holder: GilLine =
    more === ''
      ? {
          label: `GIL ${g.policy}`,
          value: [{ text: 'holder ' }, g.holder >= 0 ? { text: fit(threadName(snap, g.holder), 12), color: colorOf(g.holder), bold: true } : { text: fit('(free)', 12) }, { text: `  waiters ${g.waiters}` }],
        }
      : {
          label: `GIL ${g.policy}`,
          value: [{ text: `${p.name}: ` }, g.holder >= 0 ? { text: threadName(snap, g.holder), color: colorOf(g.holder), bold: true } : { text: '(free)' }, { text: more }],
        };
  if (g.policy === 'py2') {
    const ci = g.checkInterval ?? snap.checkInterval;
    const ticker = g.ticker ?? 0;
    const count = `${String(ticker).padStart(7)} / ${String(ci).padEnd(7)} `;
    return [
      holder,
      { label: '_Py_Ticker', value: [{ text: count }, { text: gauge(ticker / ci, Math.min(16, valueWidth - count.length)), color: 'yellow' }] },
      { label: 'semaphore', value: [{ text: `value ${g.semValue ?? '-'}  nwaiters ${g.nwaiters ?? '-'}` }] },
      { label: 'signal', value: signalLine(snap, p) },
      switches,
    ];
  }
  if (g.policy === 'bfs') {
    const slice = g.sliceNs ?? 0;
    const left = g.sliceLeftNs ?? null;
    const text = left === null ? `${'-'.padStart(9)} / ${fmtDuration(slice)} ` : `${fmtDuration(Math.max(0, left))} / ${fmtDuration(slice)} `;
    const d = g.nextDeadlineNs ?? null;
    return [
      holder,
      { label: 'slice left', value: left === null ? [{ text }] : [{ text }, { text: gauge(left / slice, Math.min(12, valueWidth - text.length)), color: 'yellow' }] },
      { label: 'deadline', value: [{ text: d === null ? 'nobody waits' : d < 0 ? `next expired ${fmtDuration(-d).trim()} ago` : `next in ${fmtDuration(d).trim()}` }, { text: ' (virtual)' }] },
      // A pending signal (or the KeyboardInterrupt it raised) takes the place of the preempt flag.
      orSignal(snap, p, { label: 'preempt', value: [g.dropRequest ? { text: 'SET', color: 'redBright', bold: true } : { text: 'clear' }, { text: `   forced ${fmtCount(snap.counters.forcedSwitches)}` }] }),
      switches,
    ];
  }
  const interval = g.switchIntervalNs ?? snap.switchIntervalNs;
  const left = g.timeoutLeftNs;
  const wait = left === null ? '' : `${fmtDuration(left)} / ${fmtDuration(interval)} `;
  return [
    holder,
    {
      label: 'timed wait',
      value: left === null ? [{ text: `${'-'.padStart(9)} / ${fmtDuration(interval)} nobody waits` }] : [{ text: wait }, { text: gauge(left / interval, Math.min(12, valueWidth - wait.length)), color: 'yellow' }],
    },
    { label: 'drop request', value: [g.dropRequest ? { text: 'SET', color: 'redBright', bold: true } : { text: 'clear' }, { text: `   switch_number ${g.switchNumber ?? '-'}` }] },
    ...(g.policy === 'priority' ? [priorityLine(g)] : []),
    // A pending signal (or the KeyboardInterrupt it raised) takes the place of the forced drops.
    orSignal(snap, p, { label: 'forced', value: [{ text: `${fmtCount(snap.counters.forcedSwitches, 11)} drops` }] }),
    switches,
  ];
}
