import { fit, fmtCount, fmtPct } from './format.js';
import type { Row } from './view-model.js';
import type { Snapshot } from '../model/index.js';

function share(now: number, then: number, span: number): string {
  return fmtPct(span > 0 ? (now - then) / span : 0);
}

/*
 * Columns by terminal width, so that both tables fit side by side on one line each:
 * >= 118 all; >= 100 without the context-switch columns; narrower also without the thread's
 * state and the counters' rate. Without a GIL (free-threaded) the GIL columns make no sense:
 * the time spent runnable but off-CPU (waiting for a core) takes their place.
 */
export function threadRows(snap: Snapshot, base: Snapshot | undefined, width: number): Row[] {
  const span = base === undefined ? snap.now : snap.now - base.now;
  const gil = snap.policy !== 'free-threaded';
  return snap.threads.map((t) => {
    const b = base?.threads[t.id];
    const row: Row = { thread: fit(t.name, 12) };
    if (width >= 100) row.state = t.view.padEnd(5);
    row.cpu = share(t.cpuNs, b?.cpuNs ?? 0, span);
    if (gil) {
      row['GIL held'] = share(t.gilHeldNs, b?.gilHeldNs ?? 0, span);
      row['GIL wait'] = share(t.gilWaitNs, b?.gilWaitNs ?? 0, span);
    } else row.runnable = share(t.runnableNs, b?.runnableNs ?? 0, span);
    if (width >= 118) {
      row['vol cs'] = fmtCount(t.voluntarySwitches, 9);
      row['invol cs'] = fmtCount(t.involuntarySwitches, 9);
    }
    return row;
  });
}

/** OS counters (wake-ups, context switches, each syscall used) with their totals and rates. */
export function counterRows(snap: Snapshot, base: Snapshot | undefined, width: number): Row[] {
  const c = snap.counters;
  const b = base?.counters;
  const dt = base === undefined ? snap.now / 1e9 : (snap.now - base.now) / 1e9;
  const rate = (now: number, then: number | undefined) => (dt > 0 ? fmtCount((now - (then ?? 0)) / dt, 12) : fmtCount(0, 12));
  const row = (name: string, now: number, then: number | undefined): Row =>
    width >= 100 ? { counter: name.padEnd(18), total: fmtCount(now, 13), 'per sim s': rate(now, then) } : { counter: name.padEnd(18), total: fmtCount(now, 13) };
  const rows = [
    row('OS wake-ups', c.wakeups, b?.wakeups),
    row('  in vain', c.spuriousWakeups, b?.spuriousWakeups),
    row('ctx sw voluntary', c.contextSwitches.voluntary, b?.contextSwitches.voluntary),
    row('ctx sw involuntary', c.contextSwitches.involuntary, b?.contextSwitches.involuntary),
  ];
  for (const [name, v] of Object.entries(c.syscalls)) if (v > 0) rows.push(row(name, v, b?.syscalls[name as keyof typeof c.syscalls]));
  return rows;
}
