import asciichart from 'asciichart';
import { clip, fmtCount, wrap } from './format.js';
import { coresView } from './cores-view.js';
import { endCard, type EndCardInput } from './end-card.js';
import type { LogEntry } from './event-log.js';
import { gilView } from './gil-view.js';
import { headerView, type HeaderInput } from './header-view.js';
import { helpRows, type HelpRow } from './help-view.js';
import { deadOnFinishedRun, footerText, runChangingActions } from './keymap.js';
import { counterRows, threadRows } from './tallies-view.js';
import { timelineView } from './timeline-view.js';
import type { Snapshot } from '../model/index.js';
import type { CompareViewModel } from './components/compare-view.js';

export { timelineColumns, timelineGlyphs } from './timeline-view.js';

/** The smallest terminal the dashboard draws in. */
export const MIN_WIDTH = 80;
export const MIN_HEIGHT = 20;

/** Colours given to threads in order (Ink colour names). */
export const threadColors = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'cyanBright', 'magentaBright', 'yellowBright', 'greenBright', 'blueBright', 'redBright'] as const;
export const colorOf = (threadId: number): string => (threadId < 0 ? 'gray' : threadColors[threadId % threadColors.length]);

/** A run of text in one colour. */
export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
}

/** The header line: badges (drawn inverse), then the fields fitted to the width. */
export interface HeaderView {
  badges: { text: string; color: string }[];
  line: Segment[];
}

/** One core as a bar. */
export interface CoreRow {
  label: string;
  /** Filled part of the bar. */
  filled: string;
  /** Its colour: the colour of the thread on the core. */
  fillColor: string;
  /** Empty part, then the share. */
  rest: string;
  /** The thread's name (padded), empty when the cells are too narrow to name it. */
  thread: string;
  color: string;
}

export interface CoresView {
  form: 'bars' | 'compact';
  /** Bars side by side per line. */
  perLine: number;
  /** Width of one bar cell. */
  cellWidth: number;
  rows: CoreRow[];
  /** Compact form: one segment per core (its thread's colour), lines of `perLine`. */
  compact: Segment[][];
  summary: string;
}

export interface GilLine {
  label: string;
  value: Segment[];
}

export interface TimelineRow {
  name: string;
  color: string;
  segments: Segment[];
}

export interface TimelineView {
  title: string;
  /** The legend: its first line follows the title, a second one (if any) has a line of its own. */
  legend: Segment[][];
  rows: TimelineRow[];
}

export type Row = Record<string, string>;

export interface TalliesView {
  threads: Row[];
  counters: Row[];
}

export interface ChartView {
  title: string;
  lines: string[];
}

/** The event log panel: the last sentences of the journal, newest at the bottom. */
export interface LogView {
  title: string;
  lines: Segment[][];
}

export type Overlay =
  | { kind: 'none' }
  | { kind: 'help'; scroll: number }
  | { kind: 'presets'; names: string[]; titles: string[]; selected: number }
  /** The end-of-run card. */
  | { kind: 'end' }
  /** The compare view (its rows are built at every frame from the comparison running in the background). */
  | { kind: 'compare'; view: CompareViewModel | null };

/** Everything a frame draws, as rows: components only lay these out. */
export interface ViewModel {
  width: number;
  height: number;
  /** Set when the terminal is too small: the only thing drawn. */
  tooSmall: string | null;
  header: HeaderView;
  /** A loud line under the header (a replay that diverges), null for none. */
  banner: string | null;
  cores: CoresView;
  gil: GilLine[];
  /** Width of the GIL panel (the cores get the rest). */
  gilWidth: number;
  timeline: TimelineView | null;
  tallies: TalliesView | null;
  log: LogView | null;
  charts: ChartView[];
  chartHeight: number;
  description: string[];
  message: string;
  footer: string;
  overlay: Overlay;
  help: HelpRow[];
  /** The end-of-run card's lines (drawn when the overlay is `end`). */
  card: Segment[][];
  /** Lines the end card takes at the top of the body (0: not shown). */
  cardLines: number;
}

/** What the view model is built from. */
export interface ViewInput {
  width: number;
  height: number;
  preset: string;
  /** What to look for, for the current policy. */
  description: string;
  seed: string;
  snap: Snapshot;
  /** Snapshot at the start of the rate window (undefined: rates since the start). */
  base: Snapshot | undefined;
  speed: number;
  paused: boolean;
  /** The live run is deadlocked: nothing is left to happen. */
  deadlocked?: boolean;
  recording: boolean;
  /** Timeline rows (per thread, per column) and the span they cover. */
  timeline: { rows: Uint8Array[]; windowNs: number } | null;
  switchRate: number[];
  latencyMs: number[];
  message: string;
  overlay: Overlay;
  /** Set when a recording plays back. */
  replay?: ReplayState;
  /** The event log's last entries when it is shown, undefined when hidden. */
  log?: { entries: LogEntry[]; available: boolean };
  /** The end-of-run card's content, once the run has finished. */
  end?: Omit<EndCardInput, 'snap'>;
}

/** Where a playback stands, for the header and the banner. */
export interface ReplayState {
  /** It reached the end of the recording (or diverged). */
  done: boolean;
  /** The first divergence, null while everything matches. */
  divergence: { atNs: number; message: string } | null;
}

/** Lines the event log would like. */
const LOG_WANTED = 40;
/** Tallest chart worth drawing. */
const CHART_MAX = 30;

/** Builds a frame's rows for a terminal of `width` x `height` (height: lines we may draw). */
export function buildView(input: ViewInput): ViewModel {
  const { width, height, snap } = input;
  const base = input.base !== undefined && input.base.now < snap.now ? input.base : undefined;
  const finished = input.replay !== undefined ? input.replay.done && input.replay.divergence === null : snap.finished;
  const header = headerView(headerInput(input, finished), width);
  const d = input.replay?.divergence ?? null;
  const banner = d === null ? null : clip(`REPLAY DIVERGES at t=${(d.atNs / 1e9).toFixed(6)} s: ${d.message}`, width);
  const gilWidth = width >= 100 ? 50 : 44;
  const empty: ViewModel = {
    width,
    height,
    tooSmall: null,
    header,
    banner,
    cores: { form: 'bars', perLine: 1, cellWidth: 0, rows: [], compact: [], summary: '' },
    gil: [],
    gilWidth,
    timeline: null,
    tallies: null,
    log: null,
    charts: [],
    chartHeight: 0,
    description: [],
    message: clip(input.message, width),
    footer: footerText(width, input.replay !== undefined ? runChangingActions : finished ? deadOnFinishedRun : undefined),
    overlay: input.overlay,
    help: helpRows(),
    card: input.end !== undefined ? endCard({ ...input.end, snap }, width) : [],
    cardLines: 0,
  };
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { ...empty, tooSmall: `gil-top needs a terminal of at least ${MIN_WIDTH}x${MIN_HEIGHT + 1}; this one is ${width}x${height + 1}. Enlarge it, or press q to quit.` };
  if (input.overlay.kind === 'help' || input.overlay.kind === 'presets' || input.overlay.kind === 'compare') return empty;

  // Lines: header, message, footer are fixed; the rest is shared out by priority (the end card
  // first, over what the run looked like when it ended).
  let free = height - 3 - (banner === null ? 0 : 1);
  const cardLines = input.overlay.kind === 'end' ? Math.min(empty.card.length + 2, free) : 0;
  free -= cardLines;
  // The card first: what is left below it, if too little for the cores and the GIL, stays empty.
  if (cardLines > 0 && free < 6) return { ...empty, cardLines };
  const gil = gilView(snap, base, gilWidth);
  const threads = snap.threads.length;
  const tallyRows = counterRows(snap, base, width);
  const tallyWanted = 1 + Math.max(threads, tallyRows.length);
  const timelineWanted = input.timeline === null ? 0 : 2 + threads;
  const topBudget = Math.max(gil.length, Math.min(16, free - Math.min(timelineWanted, 4) - 3));
  const cores = coresView(snap, base, width - gilWidth - 2, topBudget);
  const topLines = Math.max(gil.length, cores.form === 'bars' ? Math.ceil(cores.rows.length / cores.perLine) : cores.compact.length + 1);
  free -= topLines;
  const timeline = input.timeline !== null && free >= 2 ? timelineView(input.timeline, snap.threads, snap.policy, width, Math.min(timelineWanted, free)) : null;
  free -= timeline === null ? 0 : timeline.rows.length + timeline.legend.length;
  const logOn = input.log !== undefined;
  // With the log shown, the tallies keep their thread rows but give way to it below that.
  const tallyCap = logOn ? Math.max(1 + threads, free - 6) : free;
  const tallyLines = free >= 3 ? Math.min(tallyWanted, tallyCap, free) : 0;
  free -= tallyLines;
  let logLines = 0;
  let descLines = 0;
  let chartLines = 0;
  // Without a journal the log is one line saying so: the charts keep the room.
  const logWanted = logOn ? (input.log!.available ? LOG_WANTED : 2) : 0;
  if (logOn && logWanted > 2) {
    if (free >= 3 + 4 + 12) [descLines, chartLines] = [3, 12];
    else if (free >= 3 + 4) descLines = 3;
    logLines = Math.min(logWanted, free - (descLines > 0 ? descLines + 1 : 0) - chartLines);
  } else {
    logLines = Math.min(logWanted, free);
    free -= logLines;
    if (free >= 2) descLines = Math.min(3, free - 1);
    chartLines = Math.min(CHART_MAX, free - (descLines > 0 ? descLines + 1 : 0));
  }
  const description = descLines > 0 ? wrap(input.description, width, descLines) : [];
  const chartHeight = chartLines - 1;
  const charts = chartHeight >= 3 ? chartViews(input, width, chartHeight) : [];

  return {
    ...empty,
    cardLines,
    cores,
    gil,
    timeline,
    tallies: tallyLines > 0 ? { threads: threadRows(snap, base, width).slice(0, tallyLines - 1), counters: tallyRows.slice(0, tallyLines - 1) } : null,
    log: logOn && logLines >= 2 ? logView(input.log!, width, logLines) : null,
    charts,
    chartHeight: charts.length > 0 ? chartHeight : 0,
    description,
  };
}

function headerInput(input: ViewInput, finished: boolean): HeaderInput {
  const s = input.snap;
  return {
    preset: input.preset,
    policy: s.policy,
    cores: s.cores.length,
    nowNs: s.now,
    speed: input.speed,
    seed: input.seed,
    paused: input.paused,
    finished,
    deadlocked: input.deadlocked === true,
    recording: input.recording,
    replay: input.replay !== undefined,
    diverged: input.replay?.divergence != null,
  };
}

function logView(log: { entries: LogEntry[]; available: boolean }, width: number, lines: number): LogView {
  const title = 'event log (e hides it; . steps one event and names it)';
  if (!log.available) return { title, lines: [[{ text: clip('no journal for this run: nothing to narrate', width), color: 'gray' }]] };
  if (log.entries.length === 0) return { title, lines: [[{ text: 'nothing yet: the log shows events from the moment it is on', color: 'gray' }]] };
  return {
    title,
    lines: log.entries.slice(-(lines - 1)).map((e) => {
      const segs: Segment[] = [{ text: `${(e.atNs / 1e9).toFixed(9)} s  `, color: 'gray' }];
      // "t2: check at tick 0, ...": the thread's name in its colour.
      const colon = e.text.indexOf(': ');
      if (colon > 0 && colon <= 24 && e.thread >= 0) segs.push({ text: e.text.slice(0, colon), color: colorOf(e.thread), bold: true }, { text: e.text.slice(colon) });
      else segs.push({ text: e.text });
      return clipSegments(segs, width);
    }),
  };
}

/** Cuts a line of segments to `width` characters, marking a cut with an ellipsis. */
export function clipSegments(segs: Segment[], width: number): Segment[] {
  const total = segs.reduce((a, s) => a + s.text.length, 0);
  if (total <= width) return segs;
  const out: Segment[] = [];
  let left = width - 1;
  for (const s of segs) {
    if (left <= 0) break;
    out.push({ ...s, text: s.text.slice(0, left) });
    left -= s.text.length;
  }
  out.push({ text: '…' });
  return out;
}

/**
 * The charts, side by side: GIL switches per simulated second and, with a client, its latency.
 * Both axes start at zero, so that a latency moving between 10.051 and 10.073 ms draws as the
 * flat line it is, not as a wild swing.
 */
function chartViews(input: ViewInput, width: number, height: number): ChartView[] {
  const both = input.latencyMs.length > 0;
  const w = both ? Math.floor((width - 2) / 2) : width;
  const plot = (series: number[], unit: (x: number) => string): string[] => {
    const points = series.slice(-(w - 14));
    if (points.length < 2) return ['(waiting for data)'];
    return asciichart.plot(points, { height: height - 1, min: 0, format: (x: number) => unit(x).padStart(11) }).split('\n');
  };
  const charts: ChartView[] = [{ title: 'GIL switches per simulated second', lines: plot(input.switchRate, (x) => fmtCount(x)) }];
  if (both) charts.push({ title: 'client latency, ms (last request)', lines: plot(input.latencyMs, (x) => (Math.abs(x) < 5e-4 ? 0 : x).toFixed(3)) });
  return charts;
}
