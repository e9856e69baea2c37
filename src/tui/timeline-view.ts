import { fit, fmtSpan } from './format.js';
import { BLANK, forEachRun } from '../session/timeline-model.js';
import { colorOf, type Segment, type TimelineView } from './view-model.js';
import { ThreadView, type PolicyName, type ThreadSnapshot } from '../model/index.js';

/** Width of the thread-name column of the timeline. */
export const NAME_WIDTH = 12;
/** Timeline columns (buckets) for a terminal width. */
export const timelineColumns = (width: number): number => Math.max(10, width - NAME_WIDTH - 3);

/** A glyph of the strips, with what it means in a long and a short form. */
export interface Glyph {
  ch: string;
  color: string;
  label: string;
  short: string;
}

/** How each timeline state is drawn (Beazley's GIL plots: green runs, red waits). */
export const timelineGlyphs: Record<number, Glyph> = {
  [ThreadView.Run]: { ch: '█', color: 'green', label: 'running (with the GIL)', short: 'holds GIL' },
  [ThreadView.Spin]: { ch: '▓', color: 'yellow', label: 'on CPU in GIL code', short: 'GIL code' },
  [ThreadView.Wait]: { ch: '▒', color: 'red', label: 'waiting for the GIL', short: 'GIL wait' },
  [ThreadView.Vain]: { ch: '!', color: 'redBright', label: 'woken in vain', short: 'in vain' },
  [ThreadView.Ready]: { ch: '·', color: 'white', label: 'runnable, off-CPU', short: 'runnable' },
  [ThreadView.Io]: { ch: '─', color: 'blue', label: 'blocked in I/O', short: 'I/O' },
  [ThreadView.Sys]: { ch: '▪', color: 'blue', label: 'in an I/O syscall', short: 'syscall' },
  [ThreadView.New]: { ch: ' ', color: 'gray', label: 'not started', short: 'not started' },
  [ThreadView.Done]: { ch: ' ', color: 'gray', label: 'finished', short: 'finished' },
  [BLANK]: { ch: ' ', color: 'gray', label: '', short: '' },
};

/** The glyph of a state under `policy` (without a GIL, running is just running). */
export function glyphOf(view: number, policy: PolicyName): Glyph {
  const g = timelineGlyphs[view];
  if (view === ThreadView.Run && policy === 'free-threaded') return { ...g, label: 'running (no GIL)', short: 'running' };
  return g;
}

/** Legend order; blank glyphs (not started, finished) are not named. */
const legendOrder = [ThreadView.Run, ThreadView.Spin, ThreadView.Wait, ThreadView.Vain, ThreadView.Ready, ThreadView.Io, ThreadView.Sys];

/** What the current policy always shows, drawn yet or not: its GIL's states. */
const policyViews: Record<PolicyName, number[]> = {
  py2: [ThreadView.Run, ThreadView.Wait, ThreadView.Vain],
  py3: [ThreadView.Run, ThreadView.Wait],
  'free-threaded': [ThreadView.Run],
  priority: [ThreadView.Run, ThreadView.Wait],
  bfs: [ThreadView.Run, ThreadView.Wait],
};

/**
 * The legend for strips showing `drawn` states under `policy`: every glyph drawn is named, and
 * the policy's own (a py2 strip can show wake-ups in vain). On one line with `title` if it fits
 * (long labels, then short ones); otherwise what does not fit goes on a second line.
 */
export function legendLines(drawn: ReadonlySet<number>, policy: PolicyName, title: string, width: number): Segment[][] {
  const views = legendOrder.filter((v) => drawn.has(v) || policyViews[policy].includes(v));
  const entries = (short: boolean) => views.map((v) => glyphOf(v, policy)).map((g) => ({ g, text: ` ${short ? g.short : g.label}  ` }));
  const len = (es: { text: string }[]) => es.reduce((a, e) => a + 1 + e.text.length, 0);
  const toSegments = (es: { g: Glyph; text: string }[]) => es.flatMap((e) => [{ text: e.g.ch, color: e.g.color }, { text: e.text }]);
  for (const short of [false, true]) {
    const es = entries(short);
    if (title.length + len(es) - 2 <= width) return [toSegments(es)];
  }
  const es = entries(true);
  let n = 0;
  for (let used = title.length; n < es.length && used + 1 + es[n].text.length - 2 <= width; n++) used += 1 + es[n].text.length;
  return [toSegments(es.slice(0, n)), toSegments(es.slice(n))];
}

/** The strips: per thread, its name and a run of glyphs per column; the legend above them. */
export function timelineView(t: { rows: Uint8Array[]; windowNs: number }, threads: ThreadSnapshot[], policy: PolicyName, width: number, maxLines: number): TimelineView {
  const title = `timeline, last ${fmtSpan(t.windowNs)}  `;
  const rows = t.rows.map((row, i) => {
    const segments: Segment[] = [];
    forEachRun(row, (view, from, to) => {
      const g = timelineGlyphs[view];
      segments.push({ text: g.ch.repeat(to - from), color: g.color });
    });
    const th = threads[i];
    return { name: fit(th?.name ?? `#${i}`, NAME_WIDTH), color: colorOf(i), segments };
  });
  const drawnIn = (n: number) => new Set(t.rows.slice(0, n).flatMap((r) => [...r]));
  const all = legendLines(drawnIn(rows.length), policy, title, width);
  const n = Math.max(0, maxLines - all.length);
  // Name what the strips that stay on screen draw.
  return { title, legend: legendLines(drawnIn(n), policy, title, width), rows: rows.slice(0, n) };
}
