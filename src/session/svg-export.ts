import { actionText, isEngineAction } from './driver.js';
import { ReplayPlayer, type Divergence } from './replay.js';
import type { SessionFile, SessionSample } from './session-file.js';
import { BLANK, forEachRun, TimelineModel } from './timeline-model.js';
import type { WallBudget } from './wall-budget.js';
import { ThreadView, type PolicyName } from '../model/index.js';

/**
 * A recorded session as a figure for a slide: Beazley-style strips (a row per thread, its state
 * over simulated time, one holder per GIL in each column), the control actions as marks, a time
 * axis, a legend, and charts of GIL switches, wake-ups in vain and (with a client) request
 * latency, as one SVG file a browser opens. The session is re-simulated (as a replay does) up to
 * the end of the range asked for, never further.
 */

/** The part of a session to draw, ns (default: all of it). */
export interface SvgRange {
  fromNs?: number;
  toNs?: number;
}

/** How each state is drawn (the dashboard's colours, for paper: green runs, red waits). */
const states: { view: number; color: string; label: string }[] = [
  { view: ThreadView.Run, color: '#2ca02c', label: 'running (with the GIL under py2/py3)' },
  { view: ThreadView.Spin, color: '#e6b800', label: 'on CPU in GIL code' },
  { view: ThreadView.Wait, color: '#d62728', label: 'waiting for the GIL' },
  { view: ThreadView.Ready, color: '#c7c7c7', label: 'runnable, off-CPU' },
  { view: ThreadView.Io, color: '#1f77b4', label: 'blocked in I/O' },
  { view: ThreadView.Sys, color: '#9ecae1', label: 'in an I/O syscall' },
];
const colorOf = new Map(states.map((s) => [s.view, s.color]));
/**
 * A wake-up in vain is an instant, not a state: a mark on top of the strip where one happened,
 * over what the thread did most there. (Drawn in the strip's place it would cover a zoomed-out
 * strip: a battle makes a thousand a second, one in nearly every pixel's few milliseconds. The
 * dashboard, one glyph a cell, draws one where most of a thread's wake-ups were in vain.)
 */
const VAIN = { color: '#7f0000', label: 'woken in vain (a mark where it happened)', height: 5 };

const WIDTH = 1200;
const LEFT = 120;
const RIGHT = 30;
const PLOT = WIDTH - LEFT - RIGHT;
const ROW = 22;
const ROW_GAP = 6;
const CHART = 150;

/** What a figure shows, gathered while the session is re-simulated. */
export interface SvgFigure {
  svg: string;
  fromNs: number;
  toNs: number;
  divergence: Divergence | null;
  player: ReplayPlayer;
}

/** A series over simulated time. */
interface Series {
  title: string;
  unit: (v: number) => string;
  points: [number, number][];
}

/** Draws `session` over `range` (clamped to the recording) as an SVG document. */
export function sessionSvg(session: SessionFile, range: SvgRange = {}, budget?: WallBudget): SvgFigure {
  const player = new ReplayPlayer(session);
  const sim = player.driver.sim;
  const endNs = player.endNs;
  const fromNs = Math.max(0, range.fromNs ?? 0);
  const toNs = Math.min(range.toNs ?? endNs, endNs);
  const threads = sim.threadInfo;
  const model = new TimelineModel(threads.length, Math.max(1, toNs - fromNs), PLOT);
  const trace = sim.enableTrace(1 << 20);

  // The charts, from the recorded samples as the replay checks them (rates per sample interval).
  const every = session.header.config.sampleEveryNs;
  const switches: [number, number][] = [];
  const vain: [number, number][] = [];
  const latency: [number, number][] = [];
  let prev: SessionSample | null = null;
  player.onRecordedSample = (s) => {
    if (prev !== null && s.atNs >= fromNs && s.atNs <= toNs) {
      const dt = (s.atNs - prev.atNs) / 1e9;
      switches.push([s.atNs, (s.counters.gilSwitches - prev.counters.gilSwitches) / dt]);
      vain.push([s.atNs, (s.counters.spuriousWakeups - prev.counters.spuriousWakeups) / dt]);
      const last = sim.snapshot().clients[0]?.lastNs;
      if (last !== undefined && last !== null) latency.push([s.atNs, last / 1e6]);
    }
    prev = s;
  };
  const actions: { atNs: number; text: string }[] = [];
  const policies = new Set<PolicyName>([sim.policy]);
  player.driver.addListener({
    onAction: (e) => {
      const a = e.action;
      if (a.type === 'policy') policies.add(a.policy);
      if (isEngineAction(a) && e.atNs >= fromNs && e.atNs <= toNs) actions.push({ atNs: e.atNs, text: actionText(a) });
    },
  });

  try {
    player.playTo(toNs, { chunk: 20_000, budget, each: () => model.consume(trace) });
  } finally {
    player.close();
  }
  const shownTo = Math.min(toNs, sim.now);
  // One holder per GIL in a column, unless the policy at the end of the range has none.
  const groups = sim.policy === 'free-threaded' ? [] : threads.map((t) => (t.python ? [...new Set(threads.map((x) => x.process))].indexOf(t.process) : -1));
  const rows = model.rows(shownTo, groups, false);
  const vainMarks = model.vainRows(shownTo);
  const h = session.header;
  const preset = h.config.preset as { name?: string; title?: string };
  const title = `gil-top: ${String(preset.name ?? '')}`;
  const subtitle = `${String(preset.title ?? '')}; ${[...policies].join(' then ')}; ${h.config.profile.name}; seed ${h.config.seed}; ${seconds(fromNs)} to ${seconds(shownTo)} simulated`;
  const series: Series[] = [
    { title: 'GIL switches per simulated second', unit: count, points: switches },
    { title: 'wake-ups in vain per simulated second', unit: count, points: vain },
  ];
  if (latency.length > 0) series.push({ title: 'client latency, ms (last request)', unit: (v) => v.toFixed(3), points: latency });
  const svg = drawSvg({ title, subtitle, names: threads.map((t) => t.name), rows, vain: vainMarks, fromNs, toNs: shownTo, actions, series, every });
  return { svg, fromNs, toNs: shownTo, divergence: player.divergence, player };
}

interface Drawing {
  title: string;
  subtitle: string;
  names: string[];
  rows: Uint8Array[];
  /** Per thread, 1 in each column where it was woken in vain. */
  vain: Uint8Array[];
  fromNs: number;
  toNs: number;
  actions: { atNs: number; text: string }[];
  series: Series[];
  every: number;
}

/** The SVG document: header, strips with action marks, time axis, legend, charts. */
function drawSvg(d: Drawing): string {
  const out: string[] = [];
  const span = Math.max(1, d.toNs - d.fromNs);
  const x = (ns: number) => LEFT + ((ns - d.fromNs) / span) * PLOT;
  // Action names above the strips, on as many lines as it takes for none to overlap.
  const lines: number[] = [];
  const labels = d.actions.map((a) => {
    const ax = x(a.atNs);
    const half = (a.text.length * 6.2) / 2 + 4;
    let line = lines.findIndex((end) => end < ax - half);
    if (line < 0) line = lines.push(-Infinity) - 1;
    lines[line] = ax + half;
    return { ax, line, text: a.text };
  });
  let y = 64 + lines.length * 13;
  const stripsTop = y;
  const body: string[] = [];
  const drawn = new Set<number>();
  let vainDrawn = false;
  d.rows.forEach((row, i) => {
    const top = y + i * (ROW + ROW_GAP);
    body.push(`<text x="${LEFT - 8}" y="${top + ROW / 2 + 4}" text-anchor="end">${esc(d.names[i] ?? `#${i}`)}</text>`);
    forEachRun(row, (view, from, to) => {
      const color = colorOf.get(view);
      if (view === BLANK || color === undefined) return;
      drawn.add(view);
      body.push(`<rect x="${LEFT + from}" y="${top}" width="${to - from}" height="${ROW}" fill="${color}"/>`);
    });
    forEachRun(d.vain[i] ?? new Uint8Array(0), (marked, from, to) => {
      if (marked === 0) return;
      vainDrawn = true;
      body.push(`<rect x="${LEFT + from}" y="${top}" width="${to - from}" height="${VAIN.height}" fill="${VAIN.color}"/>`);
    });
  });
  y += d.rows.length * (ROW + ROW_GAP);
  // Control actions: a dashed line across the strips, named above them.
  for (const l of labels) {
    const ax = l.ax.toFixed(1);
    const ty = stripsTop - 8 - (lines.length - 1 - l.line) * 13;
    body.push(`<line x1="${ax}" y1="${ty + 3}" x2="${ax}" y2="${y - ROW_GAP}" stroke="#444" stroke-dasharray="4 3"/>`);
    body.push(`<text x="${ax}" y="${ty}" font-size="11" text-anchor="middle">${esc(l.text)}</text>`);
  }
  y = axis(body, y, d.fromNs, d.toNs, x);
  // Legend: what the strips draw.
  y += 14;
  let lx = LEFT;
  for (const s of [...states.filter((s) => drawn.has(s.view)), ...(vainDrawn ? [VAIN] : [])]) {
    const w = 22 + s.label.length * 6.6;
    if (lx + w > WIDTH - RIGHT) {
      lx = LEFT;
      y += 18;
    }
    body.push(`<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${s.color}"/><text x="${lx + 16}" y="${y}">${esc(s.label)}</text>`);
    lx += w;
  }
  y += 28;
  for (const s of d.series) y = chart(body, y, s, d, x);
  out.push(`<?xml version="1.0" encoding="UTF-8"?>`);
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  out.push(`<title>${esc(d.title)}</title>`);
  out.push(`<rect width="${WIDTH}" height="${y}" fill="white"/>`);
  out.push(`<text x="${LEFT}" y="22" font-size="16" font-weight="bold">${esc(d.title)}</text>`);
  out.push(`<text x="${LEFT}" y="40" fill="#444">${esc(d.subtitle)}</text>`);
  out.push(...body);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** A time axis under the strips; returns the y below it. */
function axis(body: string[], y: number, fromNs: number, toNs: number, x: (ns: number) => number): number {
  body.push(`<line x1="${LEFT}" y1="${y}" x2="${LEFT + PLOT}" y2="${y}" stroke="#000"/>`);
  for (const t of ticks(fromNs, toNs)) {
    const tx = x(t).toFixed(1);
    body.push(`<line x1="${tx}" y1="${y}" x2="${tx}" y2="${y + 5}" stroke="#000"/><text x="${tx}" y="${y + 18}" text-anchor="middle">${esc(timeLabel(t, toNs - fromNs))}</text>`);
  }
  return y + 26;
}

/** A line chart of `s` over the range, its axis from zero; returns the y below it. */
function chart(body: string[], y: number, s: Series, d: Drawing, x: (ns: number) => number): number {
  body.push(`<text x="${LEFT}" y="${y}" font-weight="bold">${esc(s.title)}</text>`);
  const top = y + 10;
  const bottom = top + CHART;
  const max = niceMax(Math.max(0, ...s.points.map((p) => p[1])));
  const yOf = (v: number) => bottom - (max > 0 ? (v / max) * CHART : 0);
  for (const v of [0, max / 2, max]) {
    const ty = yOf(v).toFixed(1);
    body.push(`<line x1="${LEFT}" y1="${ty}" x2="${LEFT + PLOT}" y2="${ty}" stroke="#ddd"/><text x="${LEFT - 8}" y="${(+ty + 4).toFixed(1)}" text-anchor="end">${esc(s.unit(v))}</text>`);
  }
  // A range shorter than the sampling holds one sample or none: no line to draw, and it says why
  // (the interval in the unit of a span ten times as long: 1 ms, not 1000 µs).
  if (s.points.length < 2)
    body.push(`<text x="${LEFT + 8}" y="${bottom - 8}" fill="#888">${s.points.length === 0 ? 'no samples' : 'one sample'} in this range (the session has one every ${esc(timeLabel(d.every, 10 * d.every))})</text>`);
  if (s.points.length === 1) body.push(`<circle cx="${x(s.points[0][0]).toFixed(1)}" cy="${yOf(s.points[0][1]).toFixed(1)}" r="3" fill="#1f77b4"/>`);
  else if (s.points.length > 1) body.push(`<polyline fill="none" stroke="#1f77b4" stroke-width="1.5" points="${s.points.map(([t, v]) => `${x(t).toFixed(1)},${yOf(v).toFixed(1)}`).join(' ')}"/>`);
  body.push(`<line x1="${LEFT}" y1="${bottom}" x2="${LEFT + PLOT}" y2="${bottom}" stroke="#000"/>`);
  return axis(body, bottom, d.fromNs, d.toNs, x) + 18;
}

/** Tick instants at a 1-2-5 step, about eight across the range. */
export function ticks(fromNs: number, toNs: number): number[] {
  const span = toNs - fromNs;
  if (span <= 0) return [fromNs];
  const raw = span / 8;
  const p = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let i = Math.ceil(fromNs / step); i * step <= toNs + 1e-6; i++) out.push(i * step);
  return out;
}

/** The smallest 1-2-5 value at or above `v` (a chart's top). */
function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= v)!;
}

/** An instant in the unit the span calls for: `12.5 ms`, `2.25 s`, `350 µs`. */
function timeLabel(ns: number, span: number): string {
  if (span >= 2e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (span >= 2e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  return `${+(ns / 1e3).toFixed(3)} µs`;
}

const seconds = (ns: number) => `${(ns / 1e9).toFixed(6)} s`;
const count = (v: number) => (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en-US') : String(+v.toPrecision(3)));

/** Text for XML: the five characters that must be escaped. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}
