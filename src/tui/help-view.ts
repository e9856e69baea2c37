import { keymap } from './keymap.js';
import { timelineGlyphs } from './timeline-view.js';
import { ThreadView, threadViewNames, type ThreadViewName } from '../model/index.js';

/** One line of the help: a key (or glyph, or state) and what it means, or a heading. */
export interface HelpRow {
  keys: string;
  description: string;
  /** A section title (keys is empty). */
  heading?: boolean;
  color?: string;
}

/** What each value of the tallies' `state` column means. */
export const stateMeanings: Record<Exclude<ThreadViewName, 'vain'>, string> = {
  run: 'on a core: Python (with the GIL under py2, py3) or an actor\'s work',
  ready: 'runnable but off-CPU: waiting for the scheduler to give it a core',
  wait: 'asleep in futex_wait, waiting for the GIL',
  spin: 'on a core in GIL code: taking the GIL or paying for a release',
  io: 'asleep in I/O, time.sleep or a lock (join), the GIL released',
  sys: 'on a core inside an I/O system call (recv, send, accept...)',
  new: 'not started yet',
  done: 'finished',
};

/** The views drawn in the strips, in the order the help explains them. */
const glyphOrder = [ThreadView.Run, ThreadView.Spin, ThreadView.Wait, ThreadView.Vain, ThreadView.Ready, ThreadView.Io, ThreadView.Sys];

/** The help: every key from the keymap, then every glyph of the strips, then the state column. */
export function helpRows(): HelpRow[] {
  const rows: HelpRow[] = [{ keys: '', description: 'Keys', heading: true }, ...keymap.map((b) => ({ keys: b.label, description: b.description }))];
  rows.push({ keys: '', description: 'Timeline strips: each cell shows what the thread did most there', heading: true });
  for (const v of glyphOrder) {
    const g = timelineGlyphs[v];
    const extra = v === ThreadView.Run ? '; one holder per GIL and cell (free-threaded: no GIL)' : v === ThreadView.Vain ? ': most of its wake-ups there found the GIL taken' : '';
    rows.push({ keys: g.ch, description: (v === ThreadView.Run ? 'running' : g.label) + extra, color: g.color });
  }
  rows.push({ keys: '', description: 'The state column of the thread table: what a thread does now', heading: true });
  for (const s of threadViewNames) if (s !== 'vain') rows.push({ keys: s, description: stateMeanings[s] });
  rows.push({ keys: '', description: 'Shares and rates: over the last stretch of simulated time', heading: true });
  return rows;
}
