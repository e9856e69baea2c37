import { fit, fmtPct } from './format.js';
import { colorOf, type CoresView, type Segment } from './view-model.js';
import type { Snapshot } from '../model/index.js';

/** The narrowest bar (the share included) worth drawing. */
const MIN_BAR = 9;

/** Busy share of core `id` over the window (since the start without one; at the start, its state now). */
function coreShare(snap: Snapshot, base: Snapshot | undefined, id: number): number {
  const c = snap.cores.find((x) => x.id === id)!;
  const b = base?.cores.find((x) => x.id === id);
  if (base === undefined || b === undefined) return snap.now > 0 ? c.busyNs / snap.now : c.thread >= 0 ? 1 : 0;
  return (c.busyNs - b.busyNs) / (snap.now - base.now);
}

/**
 * Per-core bars in `width` columns and at most `lines` lines, htop style: each bar filled in the
 * colour of the thread on the core, its busy share over the window, the thread's name after it
 * while the cells are wide enough; several bars a line when there are many cores; past 64
 * cores (or when even that does not fit) one cell per core.
 */
export function coresView(snap: Snapshot, base: Snapshot | undefined, width: number, lines: number): CoresView {
  const n = snap.cores.length;
  const busy = snap.cores.reduce((a, c) => a + coreShare(snap, base, c.id), 0);
  const summary = `${n} cores, ${fmtPct(busy / n).trim()} busy`;
  const label = n > 10 ? 5 : 4;
  const longest = Math.max(1, ...snap.threads.map((t) => t.name.length));
  const perLine = Math.max(1, Math.ceil(n / Math.max(1, lines)));
  const cellWidth = Math.floor(width / perLine);
  for (const nameWidth of [Math.min(12, longest), 0]) {
    const barWidth = cellWidth - label - 2 - (nameWidth > 0 ? nameWidth + 2 : 1);
    if (n > 64 || barWidth < MIN_BAR) continue;
    const rows = snap.cores.map((c) => {
      const share = coreShare(snap, base, c.id);
      const pct = fmtPct(share);
      const filled = Math.round(Math.max(0, Math.min(1, share)) * (barWidth - pct.length));
      return {
        label: `cpu${c.id}`.padEnd(label),
        filled: '|'.repeat(filled),
        fillColor: colorOf(c.thread),
        rest: ' '.repeat(barWidth - pct.length - filled) + pct,
        thread: nameWidth > 0 ? fit(c.thread >= 0 ? (snap.threads[c.thread]?.name ?? '?') : '-', nameWidth) : '',
        color: colorOf(c.thread),
      };
    });
    return { form: 'bars', perLine, cellWidth, rows, compact: [], summary };
  }
  const compact: Segment[][] = [];
  for (let i = 0; i < n; i += width) compact.push(snap.cores.slice(i, i + width).map((c) => ({ text: c.thread >= 0 ? '█' : '·', color: colorOf(c.thread) })));
  return { form: 'compact', perLine: width, cellWidth: 1, rows: [], compact: compact.slice(0, Math.max(1, lines - 1)), summary };
}
