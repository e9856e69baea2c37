import asciichart from 'asciichart';
import { FLAT_OUT } from '../session/live-loop.js';
import { clip, fit, fmtCount, fmtDuration, fmtPct, fmtSimTime, fmtSpan, fmtSpeed, wrap } from './format.js';
import { keymap, footerText, runChangingActions } from './keymap.js';
import { BLANK } from './timeline-model.js';
import { ThreadView, type Snapshot, type ThreadSnapshot } from '../model/index.js';

/** The smallest terminal the dashboard draws in. */
export const MIN_WIDTH = 80;
export const MIN_HEIGHT = 20;

/** Colours given to threads in order (Ink colour names). */
export const threadColors = ['cyan', 'magenta', 'yellow', 'green', 'blue', 'red', 'cyanBright', 'magentaBright', 'yellowBright', 'greenBright', 'blueBright', 'redBright'] as const;
export const colorOf = (threadId: number): string => (threadId < 0 ? 'gray' : threadColors[threadId % threadColors.length]);

/** Width of the thread-name column of the timeline. */
const NAME_WIDTH = 12;
/** Timeline columns (buckets) for a terminal width. */
export const timelineColumns = (width: number): number => Math.max(10, width - NAME_WIDTH - 3);

/** How each timeline state is drawn (Beazley's GIL plots: green runs, red waits). */
export const timelineGlyphs: Record<number, { ch: string; color: string; label: string }> = {
  [ThreadView.Run]: { ch: '█', color: 'green', label: 'running (with the GIL)' },
  [ThreadView.Spin]: { ch: '▓', color: 'yellow', label: 'on CPU in GIL code' },
  [ThreadView.Wait]: { ch: '▒', color: 'red', label: 'waiting for the GIL' },
  [ThreadView.Vain]: { ch: '!', color: 'redBright', label: 'woken in vain' },
  [ThreadView.Io]: { ch: '─', color: 'blue', label: 'blocked in I/O' },
  [ThreadView.Sys]: { ch: '▪', color: 'blue', label: 'in an I/O syscall' },
  [ThreadView.Ready]: { ch: '·', color: 'white', label: 'off-CPU (runnable)' },
  [ThreadView.New]: { ch: ' ', color: 'gray', label: 'not started' },
  [ThreadView.Done]: { ch: ' ', color: 'gray', label: 'finished' },
  [BLANK]: { ch: ' ', color: 'gray', label: '' },
};

/** A run of text in one colour. */
export interface Segment {
  text: string;
  color?: string;
  bold?: boolean;
  inverse?: boolean;
}

export interface HeaderView {
  preset: string;
  policy: string;
  time: string;
  speed: string;
  seed: string;
  cores: string;
  paused: boolean;
  finished: boolean;
  recording: boolean;
  /** Playing a recording back (read-only). */
  replay?: boolean;
  /** The playback differs from its recording. */
  diverged?: boolean;
}

/** One core as a bar. */
export interface CoreRow {
  label: string;
  /** Filled part of the bar. */
  filled: string;
  /** Its colour: green, or the thread's when the cell is too narrow to name it. */
  fillColor: string;
  /** Empty part, then the share. */
  rest: string;
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
  legend: Segment[];
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

export type Overlay = { kind: 'none' } | { kind: 'help' } | { kind: 'presets'; names: string[]; titles: string[]; selected: number };

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
  timeline: TimelineView | null;
  tallies: TalliesView | null;
  charts: ChartView[];
  chartHeight: number;
  description: string[];
  message: string;
  footer: string;
  overlay: Overlay;
  help: { keys: string; description: string }[];
}

/** What the view model is built from. */
export interface ViewInput {
  width: number;
  height: number;
  preset: string;
  description: string;
  seed: string;
  snap: Snapshot;
  /** Snapshot at the start of the rate window (undefined: rates since the start). */
  base: Snapshot | undefined;
  speed: number;
  paused: boolean;
  recording: boolean;
  /** Timeline rows (per thread, per column) and the span they cover. */
  timeline: { rows: Uint8Array[]; windowNs: number } | null;
  switchRate: number[];
  latencyMs: number[];
  message: string;
  overlay: Overlay;
  /** Set when a recording plays back. */
  replay?: ReplayState;
}

/** Where a playback stands, for the header and the banner. */
export interface ReplayState {
  /** It reached the end of the recording (or diverged). */
  done: boolean;
  /** The first divergence, null while everything matches. */
  divergence: { atNs: number; message: string } | null;
}

/** Builds a frame's rows for a terminal of `width` x `height` (height: lines we may draw). */
export function buildView(input: ViewInput): ViewModel {
  const { width, height, snap } = input;
  const help = keymap.map((b) => ({ keys: b.label, description: b.description }));
  const base = input.base !== undefined && input.base.now < snap.now ? input.base : undefined;
  const header = headerView(input);
  const d = input.replay?.divergence ?? null;
  const banner = d === null ? null : clip(`REPLAY DIVERGES at t=${(d.atNs / 1e9).toFixed(6)} s: ${d.message}`, width);
  const empty: ViewModel = {
    width,
    height,
    tooSmall: null,
    header,
    banner,
    cores: { form: 'bars', perLine: 1, cellWidth: 0, rows: [], compact: [], summary: '' },
    gil: [],
    timeline: null,
    tallies: null,
    charts: [],
    chartHeight: 0,
    description: [],
    message: clip(input.message, width),
    footer: footerText(width, input.replay !== undefined ? runChangingActions : undefined),
    overlay: input.overlay,
    help,
  };
  if (width < MIN_WIDTH || height < MIN_HEIGHT) return { ...empty, tooSmall: `gil-top needs a terminal of at least ${MIN_WIDTH}x${MIN_HEIGHT + 1}; this one is ${width}x${height + 1}. Enlarge it, or press q to quit.` };
  if (input.overlay.kind !== 'none') return empty;

  // Lines: header, message, footer are fixed; the rest is shared out by priority.
  let free = height - 3 - (banner === null ? 0 : 1);
  const gil = gilView(snap, base);
  const pythonThreads = snap.threads;
  const timelineWanted = input.timeline === null ? 0 : 1 + pythonThreads.length;
  const tallyRows = counterRows(snap, base, width);
  const tallyWanted = 1 + Math.max(pythonThreads.length, tallyRows.length);
  const gilWidth = 50;
  const coresWidth = width - gilWidth - 2;
  const topBudget = Math.max(gil.length, Math.min(16, free - Math.min(timelineWanted, 4) - 3));
  const cores = coresView(snap, base, coresWidth, topBudget);
  const topLines = Math.max(gil.length, cores.form === 'bars' ? Math.ceil(cores.rows.length / cores.perLine) : cores.compact.length + 1);
  free -= topLines;
  const timelineLines = Math.min(timelineWanted, free);
  free -= timelineLines;
  const tallyLines = free >= 3 ? Math.min(tallyWanted, free) : 0;
  free -= tallyLines;
  const description = free >= 2 ? wrap(input.description, width, Math.min(2, free - 1)) : [];
  free -= description.length > 0 ? description.length + 1 : 0;
  const chartHeight = Math.min(14, free - 1);
  const charts = chartHeight >= 3 ? chartViews(input, width, chartHeight) : [];

  return {
    ...empty,
    cores,
    gil,
    timeline: timelineLines >= 2 && input.timeline !== null ? timelineView(input.timeline, snap.threads, width, timelineLines - 1) : null,
    tallies: tallyLines > 0 ? { threads: threadRows(snap, base, width).slice(0, tallyLines - 1), counters: tallyRows.slice(0, tallyLines - 1) } : null,
    charts,
    chartHeight: charts.length > 0 ? chartHeight : 0,
    description,
  };
}

function headerView(input: ViewInput): HeaderView {
  const s = input.snap;
  return {
    preset: input.preset,
    policy: s.policy,
    time: fmtSimTime(s.now),
    speed: fmtSpeed(input.speed, FLAT_OUT).padStart(7),
    seed: input.seed,
    cores: `${s.cores.length} core${s.cores.length === 1 ? '' : 's'}`,
    paused: input.paused,
    finished: input.replay !== undefined ? input.replay.done && input.replay.divergence === null : s.finished,
    recording: input.recording,
    replay: input.replay !== undefined,
    diverged: input.replay?.divergence != null,
  };
}

const threadName = (snap: Snapshot, id: number): string => snap.threads[id]?.name ?? 'idle';

/** Busy share of core `id` over the window (or its state now if the window is empty). */
function coreShare(snap: Snapshot, base: Snapshot | undefined, id: number): number {
  const c = snap.cores.find((x) => x.id === id)!;
  const b = base?.cores.find((x) => x.id === id);
  if (base === undefined || b === undefined) return c.thread >= 0 ? 1 : snap.now > 0 ? c.busyNs / snap.now : 0;
  return (c.busyNs - b.busyNs) / (snap.now - base.now);
}

function coresView(snap: Snapshot, base: Snapshot | undefined, width: number, lines: number): CoresView {
  const n = snap.cores.length;
  const busy = snap.cores.reduce((a, c) => a + coreShare(snap, base, c.id), 0);
  const summary = `${n} cores, ${fmtPct(busy / n).trim()} busy`;
  // Wide cells name the thread; narrow ones (many cores) colour the bar by it instead.
  for (const minCell of [30, 17]) {
    const perLine = Math.max(1, Math.min(Math.floor(width / minCell), Math.ceil(n / lines)));
    if (n > 64 || Math.ceil(n / perLine) > lines || Math.floor(width / perLine) < minCell) continue;
    const cellWidth = Math.floor(width / perLine);
    const nameWidth = minCell === 30 ? Math.min(12, cellWidth - 22) : 0;
    const label = n > 10 ? 5 : 4;
    const barWidth = cellWidth - label - 2 - (nameWidth > 0 ? nameWidth + 2 : 1);
    const rows = snap.cores.map((c) => {
      const share = coreShare(snap, base, c.id);
      const pct = fmtPct(share);
      const filled = Math.round(Math.max(0, Math.min(1, share)) * (barWidth - pct.length));
      return {
        label: `cpu${c.id}`.padEnd(label),
        filled: '|'.repeat(filled),
        fillColor: nameWidth > 0 ? 'green' : colorOf(c.thread),
        rest: ' '.repeat(barWidth - pct.length - filled) + pct,
        thread: nameWidth > 0 ? fit(c.thread >= 0 ? threadName(snap, c.thread) : '-', nameWidth) : '',
        color: colorOf(c.thread),
      };
    });
    return { form: 'bars', perLine, cellWidth, rows, compact: [], summary };
  }
  const compact: Segment[][] = [];
  for (let i = 0; i < n; i += width) compact.push(snap.cores.slice(i, i + width).map((c) => ({ text: c.thread >= 0 ? '█' : '·', color: colorOf(c.thread) })));
  return { form: 'compact', perLine: width, cellWidth: 1, rows: [], compact: compact.slice(0, Math.max(1, lines - 1)), summary };
}

function gauge(fraction: number, width: number): string {
  const f = Math.round(Math.max(0, Math.min(1, fraction)) * width);
  return '█'.repeat(f) + '░'.repeat(width - f);
}

function gilView(snap: Snapshot, base: Snapshot | undefined): GilLine[] {
  const p = snap.processes[0];
  const rate = base === undefined ? (snap.now > 0 ? snap.counters.gilSwitches / (snap.now / 1e9) : 0) : (snap.counters.gilSwitches - base.counters.gilSwitches) / ((snap.now - base.now) / 1e9);
  // Several Python processes (multiprocessing): the panel details the first one's GIL and names
  // the holder of each of the others.
  const more = snap.processes
    .slice(1)
    .map((q) => `  ${q.name}: ${q.gil.holder >= 0 ? threadName(snap, q.gil.holder) : q.gil.policy === 'free-threaded' ? 'no GIL' : '(free)'}`)
    .join('');
  const switches: GilLine = { label: 'switches', value: [{ text: `${fmtCount(rate, 11)} /s`, bold: true }, { text: `  total ${fmtCount(snap.counters.gilSwitches)}` }] };
  if (p === undefined || p.gil.policy === 'free-threaded') {
    return [
      { label: 'GIL', value: [{ text: 'none (free-threaded)', bold: true }, { text: more }] },
      { label: '', value: [{ text: 'every thread runs Python in parallel' }] },
      { label: '', value: [{ text: 'no ticker, no timeout, no drop request' }] },
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
    return [
      holder,
      { label: '_Py_Ticker', value: [{ text: `${String(ticker).padStart(7)} / ${String(ci).padEnd(7)}` }, { text: gauge(ticker / ci, 16), color: 'yellow' }] },
      { label: 'semaphore', value: [{ text: `value ${g.semValue ?? '-'}  nwaiters ${g.nwaiters ?? '-'}` }] },
      { label: 'signal', value: [{ text: g.pendingCalls ? 'PENDING (main thread must run it)' : 'none pending', color: g.pendingCalls ? 'redBright' : undefined }] },
      switches,
    ];
  }
  const interval = g.switchIntervalNs ?? snap.switchIntervalNs;
  const left = g.timeoutLeftNs;
  return [
    holder,
    {
      label: 'timed wait',
      value: left === null ? [{ text: `${'-'.padStart(9)} / ${fmtDuration(interval)} nobody waits` }] : [{ text: `${fmtDuration(left)} / ${fmtDuration(interval)} ` }, { text: gauge(left / interval, 12), color: 'yellow' }],
    },
    { label: 'drop request', value: [g.dropRequest ? { text: 'SET', color: 'redBright', bold: true } : { text: 'clear' }, { text: `   switch_number ${g.switchNumber ?? '-'}` }] },
    { label: 'forced', value: [{ text: `${fmtCount(snap.counters.forcedSwitches, 11)} drops` }] },
    switches,
  ];
}

function timelineView(t: { rows: Uint8Array[]; windowNs: number }, threads: ThreadSnapshot[], width: number, maxRows: number): TimelineView {
  const legendKeys = [ThreadView.Run, ThreadView.Wait, ThreadView.Vain, ThreadView.Io, ThreadView.Ready, ThreadView.Spin];
  const legend: Segment[] = [];
  let used = 0;
  const title = `timeline, last ${fmtSpan(t.windowNs)}  `;
  for (const k of legendKeys) {
    const g = timelineGlyphs[k];
    const part = `${g.ch} ${g.label}  `;
    if (title.length + used + part.length > width) break;
    legend.push({ text: g.ch, color: g.color }, { text: ` ${g.label}  ` });
    used += part.length;
  }
  const rows = t.rows.slice(0, maxRows).map((row, i) => {
    const segments: Segment[] = [];
    let start = 0;
    for (let c = 1; c <= row.length; c++) {
      if (c === row.length || timelineGlyphs[row[c]].ch !== timelineGlyphs[row[start]].ch || timelineGlyphs[row[c]].color !== timelineGlyphs[row[start]].color) {
        const g = timelineGlyphs[row[start]];
        segments.push({ text: g.ch.repeat(c - start), color: g.color });
        start = c;
      }
    }
    const th = threads[i];
    return { name: fit(th?.name ?? `#${i}`, NAME_WIDTH), color: colorOf(i), segments };
  });
  return { title, legend, rows };
}

function share(now: number, then: number, span: number): string {
  return fmtPct(span > 0 ? (now - then) / span : 0);
}

/*
 * Columns by terminal width, so that both tables fit side by side on one line each:
 * >= 118 all; >= 100 without the context-switch columns; narrower also without the thread's
 * state and the counters' rate.
 */
function threadRows(snap: Snapshot, base: Snapshot | undefined, width: number): Row[] {
  const span = base === undefined ? snap.now : snap.now - base.now;
  return snap.threads.map((t) => {
    const b = base?.threads[t.id];
    const row: Row = { thread: fit(t.name, 12) };
    if (width >= 100) row.state = t.view.padEnd(5);
    Object.assign(row, {
      cpu: share(t.cpuNs, b?.cpuNs ?? 0, span),
      'GIL held': share(t.gilHeldNs, b?.gilHeldNs ?? 0, span),
      'GIL wait': share(t.gilWaitNs, b?.gilWaitNs ?? 0, span),
    });
    if (width >= 118) {
      row['vol cs'] = fmtCount(t.voluntarySwitches, 9);
      row['invol cs'] = fmtCount(t.involuntarySwitches, 9);
    }
    return row;
  });
}

function counterRows(snap: Snapshot, base: Snapshot | undefined, width: number): Row[] {
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

function chartViews(input: ViewInput, width: number, height: number): ChartView[] {
  const both = input.latencyMs.length > 0;
  const w = both ? Math.floor((width - 2) / 2) : width;
  const plot = (series: number[], unit: (x: number) => string): string[] => {
    const points = series.slice(-(w - 14));
    if (points.length < 2) return ['(waiting for data)'];
    return asciichart.plot(points, { height: height - 1, format: (x: number) => unit(x).padStart(11) }).split('\n');
  };
  const charts: ChartView[] = [{ title: 'GIL switches per simulated second', lines: plot(input.switchRate, (x) => fmtCount(x)) }];
  if (both) charts.push({ title: 'client latency, ms (last request)', lines: plot(input.latencyMs, (x) => x.toFixed(3)) });
  return charts;
}
