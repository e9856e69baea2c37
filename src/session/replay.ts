import { presetFromData, type Preset } from '../config/load.js';
import { oneLine, quote } from '../config/read-input.js';
import { SessionDriver } from './driver.js';
import { fieldAt, firstDifferenceAt, flattenSnapshot, shapeOf, snapshotHasShape, valueAt, type Flat, type SampleShape } from './sample-codec.js';
import { openSessionFile, sampleOf, type SessionEntry, type SessionFile, type SessionSample, type SessionStream } from './session-file.js';
import { summarize, type RunSummary } from './summary.js';
import type { WallBudget } from './wall-budget.js';

/** The first place where a replay differs from its recording. */
export interface Divergence {
  /** Simulated instant of the sample (or action, or end) that differs, ns. */
  atNs: number;
  /** Path of the first differing field, e.g. `counters.syscalls.futex_wake`. */
  field: string;
  recorded: unknown;
  replayed: unknown;
  /** One line for the user. */
  message: string;
}

/**
 * What a replay found: `matches` only when every recorded action was applied, every recorded
 * sample reached and compared, the end line reached and its summary compared, and nothing says
 * the file was changed after it was recorded.
 */
export type ReplayVerdict = 'matches' | 'diverges' | 'altered' | 'incomplete';

const seconds = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;
const count = (n: number) => n.toLocaleString('en-US');

/** The preset of a session, rebuilt from the data inside it (no file outside it is read). */
export function presetOfSession(session: SessionFile): Preset {
  return presetFromData(session.header.config.preset, `${session.file}: line 1: config.preset`, session.header.config.profile);
}

/**
 * Plays a recorded session back: a driver on the recorded configuration, fed the recorded
 * actions at their instants (and after the same number of events), whose samples are checked
 * against the recorded ones as they come. The entries are streamed from the file one at a time.
 * The dashboard calls `advanceTo` in place of the driver's own, in slices, and shows
 * `driver.sim`; `verify` runs it to the end headless.
 *
 * Every recorded action and sample is a checkpoint that the replay must reach exactly: at its
 * instant, after its number of events. A replay that makes fewer events by that instant, or
 * more, or finishes before it, diverges there; it never skips a checkpoint.
 */
export class ReplayPlayer {
  readonly driver: SessionDriver;
  readonly preset: Preset;
  /** Recorded actions applied so far. */
  nextAction = 0;
  /** Recorded samples checked so far. */
  samplesChecked = 0;
  /** The first difference found, null while everything matches. */
  divergence: Divergence | null = null;
  /** Whether the end line was reached and compared (a file cut short has none). */
  endChecked = false;
  /**
   * Whether `advanceTo` returns right after applying a recorded pause (the dashboard holds its
   * playback there, as the recording was held); `verify` runs straight through.
   */
  stopAtPause = false;
  /** Where the recording stops: the end line's instant, or the last complete line's. */
  readonly endNs: number;
  readonly endEvents: number;
  /** Told of each recorded sample once it has been checked (the Perfetto export's counters). */
  onRecordedSample: ((s: SessionSample) => void) | null = null;
  private readonly stream: SessionStream;
  /** The next entry not yet reached (undefined: not read yet; null: none left). */
  private pending: SessionEntry | null | undefined = undefined;

  constructor(readonly session: SessionFile) {
    const c = session.header.config;
    this.preset = presetOfSession(session);
    this.driver = new SessionDriver(this.preset, { ...c.overrides, seed: c.seed }, c.sampleEveryNs);
    const stop = session.end ?? session.last ?? { atNs: 0, events: 0 };
    this.endNs = stop.atNs;
    this.endEvents = stop.events;
    this.stream = session.entries();
  }

  /** Whether the replay has nothing more to do: it reached the end of the recording, or diverged. */
  get done(): boolean {
    return this.divergence !== null || (this.peek() === null && this.reachedEnd);
  }

  private reachedEnd = false;

  /** The verdict so far (final once `done`). */
  get verdict(): ReplayVerdict {
    if (this.session.problems.length > 0) return 'altered';
    if (this.divergence !== null) return 'diverges';
    if (!this.done || !this.endChecked) return 'incomplete';
    if (this.samplesChecked !== this.session.counts.samples || this.nextAction !== this.session.counts.actions) return 'altered';
    return 'matches';
  }

  /** One line saying what the replay found, for the user. */
  describe(): string {
    const checked = `${count(this.samplesChecked)} of ${count(this.session.counts.samples)} samples and ${count(this.nextAction)} of ${count(this.session.counts.actions)} actions`;
    const at = `t=${(this.driver.sim.now / 1e9).toFixed(6)} s`;
    switch (this.verdict) {
      case 'matches':
        return `replay matches the recording exactly: ${checked} and the final summary, up to ${at}`;
      case 'diverges':
        return `replay DIVERGES: ${this.divergence!.message}`;
      case 'altered':
        return `replay does not verify: ${this.session.problems[0] ?? `the file holds entries the replay did not reach (${checked})`}${this.divergence === null ? '' : `; and it diverges: ${this.divergence.message}`}`;
      case 'incomplete':
        return this.done
          ? `replay does not verify: the recording has no end line (it was cut short); ${checked} matched up to ${at}`
          : `replay stopped at ${at}: ${checked} checked so far, all matching`;
    }
  }

  /**
   * Replays up to simulated instant `targetNs` (never past the end of the recording), applying
   * the recorded actions and checking the recorded samples that fall on the way, within
   * `maxEvents` events. Returns the events processed. Recorded pauses and speed changes go
   * through the driver too, so its `onAction` listeners (the dashboard) see them when they are due.
   */
  advanceTo(targetNs: number, maxEvents = Infinity): number {
    const sim = this.driver.sim;
    const start = sim.events;
    const left = () => maxEvents - (sim.events - start);
    while (this.divergence === null) {
      const next = this.peek();
      if (next === null) {
        if (!this.reachedEnd) {
          const r = this.reach(this.endNs, this.endEvents, targetNs, left, 'end');
          if (r !== 'reached') break;
          this.reachedEnd = true;
        }
        if (!this.endChecked && this.session.end !== null) {
          this.endChecked = true;
          this.checkEnd();
        }
        break;
      }
      const point = next.type === 'action' ? next.action : { atNs: next.flat[0] as number, events: next.flat[1] as number };
      if (this.reach(point.atNs, point.events, targetNs, left, next.type) !== 'reached') break;
      this.pending = undefined;
      if (next.type === 'action') {
        this.nextAction++;
        this.driver.act(next.action.action);
        if (this.stopAtPause && next.action.action.type === 'pause') break;
      } else this.check(next.sample, next.flat, next.shape);
    }
    if (this.done) this.close();
    return sim.events - start;
  }

  /**
   * Plays toward `targetNs` in chunks of at most `chunk` events, calling `each` after every chunk,
   * until the recording is done, a chunk moves nothing (no event, no action, no sample), `maxEvents`
   * ran or `budget` runs out. The one playback loop of the dashboard, `replay`, and the exports.
   * Returns the events run.
   */
  playTo(targetNs: number, o: { chunk?: number; maxEvents?: number; budget?: WallBudget; each?: () => void } = {}): number {
    const sim = this.driver.sim;
    const start = sim.events;
    const maxEvents = o.maxEvents ?? Infinity;
    while (!this.done && o.budget?.expired() !== true) {
      const left = maxEvents - (sim.events - start);
      if (left <= 0) break;
      const [now, events, moved] = [sim.now, sim.events, this.samplesChecked + this.nextAction];
      this.advanceTo(targetNs, Math.min(o.chunk ?? Infinity, left));
      o.each?.();
      o.budget?.tick(sim);
      if (sim.now === now && sim.events === events && this.samplesChecked + this.nextAction === moved) break;
    }
    return sim.events - start;
  }

  /** Replays to the end of the recording (or until `budget` runs out); the first divergence, or null. */
  verify(budget?: WallBudget): Divergence | null {
    this.playTo(Infinity, budget === undefined ? {} : { chunk: 200_000, budget });
    return this.divergence;
  }

  /** Closes the recording (the stream closes itself at its end). */
  close(): void {
    this.stream.close();
  }

  /** The replayed run's summary (wall time: how long replay took so far is not known here). */
  summary(wallSeconds = 0): RunSummary {
    return summarize(this.preset, this.driver.sim, wallSeconds);
  }

  private peek(): SessionEntry | null {
    if (this.pending === undefined) {
      const r = this.stream.next();
      this.pending = r.done === true ? null : r.value;
    }
    return this.pending;
  }

  /**
   * Advances to the point where the recording was after `events` events at `atNs` (without going
   * past `targetNs` or the event budget): 'reached', 'later' (stopped by the target or the
   * budget: call again), or 'diverged' (the replay cannot get there: it made more or fewer
   * events by that instant, or finished before it; recorded as the divergence). Events strictly
   * before the instant go in bulk; the last ones, and any run under an event budget, one at a time.
   */
  private reach(atNs: number, events: number, targetNs: number, left: () => number, what: string): 'reached' | 'later' | 'diverged' {
    const d = this.driver;
    const sim = d.sim;
    const label = `${what === 'end' ? 'end' : what} at ${seconds(atNs)}`;
    const fail = (why: string) => {
      this.diverge(atNs, 'events', `${count(events)} events at ${seconds(atNs)}`, `${count(sim.events)} events at ${seconds(sim.now)}`, `${label}: recorded after ${count(events)} events; ${why}`);
      return 'diverged' as const;
    };
    for (;;) {
      if (sim.events > events) return fail(`the replay had made ${count(sim.events)} by then`);
      if (sim.now > atNs) return fail(`the replay is already at ${seconds(sim.now)}`);
      if (sim.events === events) {
        if (sim.now === atNs) return 'reached';
        if (sim.finished) return fail(`the replay finished at ${seconds(sim.now)}`);
        if (sim.nextEventTime() <= atNs) return fail(`the replay has another event before that instant`);
        // Nothing is left to do before that instant: only the clock moves.
        if (targetNs < atNs) {
          if (sim.now < targetNs) d.advanceTo(targetNs);
          return 'later';
        }
        d.advanceTo(atNs);
        continue;
      }
      if (sim.finished) return fail(`the replay finished at ${seconds(sim.now)} after ${count(sim.events)}`);
      const next = sim.nextEventTime();
      if (next > atNs) return fail(`the replay made only ${count(sim.events)} by then`);
      if (next > targetNs) {
        if (sim.now < targetNs) d.advanceTo(targetNs);
        return 'later';
      }
      const room = left();
      if (room <= 0) return 'later';
      const bulkTo = Math.min(atNs - 1, targetNs);
      if (room === Infinity && next <= bulkTo) d.advanceTo(bulkTo);
      else if (!d.stepEvent()) return fail(`the replay has nothing left to do at ${seconds(sim.now)}`);
    }
  }

  /** Compares the simulation now with the recorded sample `rec` (as a flat vector of `shape`). */
  private check(rec: SessionSample, a: Flat, shape: SampleShape): void {
    const snap = this.driver.sim.snapshot();
    this.samplesChecked++;
    if (!snapshotHasShape(snap, shape)) {
      const other = shapeOf(sampleOf(snap));
      const field = shape.cores !== other.cores ? 'cores' : shape.threads !== other.threads ? 'threads' : shape.gils !== other.gils ? 'gils' : 'clients';
      const [r, p] = field === 'clients' ? [shape.clients, other.clients] : [shape[field], other[field]];
      this.diverge(rec.atNs, field, r, p, `sample at ${seconds(rec.atNs)}: ${field} recorded ${show(r)} replayed ${show(p)} (how many)`);
      return;
    }
    const b = flattenSnapshot(snap);
    const i = firstDifferenceAt(a, b);
    if (i >= 0) {
      const field = fieldAt(shape, i);
      const r = valueAt(shape, i, a[i] ?? null);
      const p = valueAt(shape, i, b[i] ?? null);
      this.diverge(rec.atNs, field, r, p, `sample at ${seconds(rec.atNs)}: ${field} recorded ${show(r)} replayed ${show(p)}`);
      return;
    }
    this.onRecordedSample?.(rec);
  }

  private checkEnd(): void {
    const sim = this.driver.sim;
    const end = this.session.end!;
    if (end.reason === 'finished' && !sim.finished) {
      this.diverge(end.atNs, 'reason', 'finished', 'still running', `end at ${seconds(end.atNs)}: recorded as finished, the replay is still running`);
      return;
    }
    const { wallSeconds: _a, ...recorded } = end.summary as Record<string, unknown>;
    const { wallSeconds: _b, ...replayed } = JSON.parse(JSON.stringify(this.summary())) as Record<string, unknown>;
    const diff = firstDifference(recorded, replayed, 'summary');
    if (diff !== null) this.diverge(end.atNs, diff.path, diff.a, diff.b, `end at ${seconds(end.atNs)}: ${diff.path} recorded ${show(diff.a)} replayed ${show(diff.b)}`);
  }

  private diverge(atNs: number, field: string, recorded: unknown, replayed: unknown, message: string): void {
    if (this.divergence === null) this.divergence = { atNs, field, recorded, replayed, message };
  }
}

/** Opens a session file for playback (bad input throws one InputError line). */
export function openReplay(file: string): ReplayPlayer {
  return new ReplayPlayer(openSessionFile(file));
}

/** The outcome of checking a recording by replaying it. */
export interface ReplayReport {
  file: string;
  /** matches, diverges, altered (changed after recording) or incomplete (cut short, or stopped by --max-wall). */
  verdict: ReplayVerdict;
  /** Whether every recorded action, sample and the final summary was reproduced exactly. */
  matches: boolean;
  /** One line: what the replay found. */
  message: string;
  divergence: Divergence | null;
  /** Signs that the file was changed after it was recorded. */
  problems: string[];
  /** Why the recording ended, null if it was cut short. */
  endReason: string | null;
  /** Recorded actions, and how many of them the replay applied. */
  actions: number;
  actionsApplied: number;
  /** Recorded samples, and how many of them the replay reached and compared. */
  samples: number;
  samplesChecked: number;
  /** Whether the end line was reached and its summary compared. */
  endChecked: boolean;
  /** Whether the replay got to the end of the recording (false: stopped by --max-wall). */
  finished: boolean;
  /** Why it stopped before the end, null if it did not. */
  stoppedBy: string | null;
  simulatedSeconds: number;
  events: number;
  /** Wall time the replay took. */
  wallSeconds: number;
  warnings: string[];
  summary: RunSummary;
}

/** Replays a session headless (within `budget`, if given) and reports whether it matched. */
export function verifySession(session: SessionFile, budget?: WallBudget): ReplayReport {
  const t0 = performance.now();
  const player = new ReplayPlayer(session);
  let divergence: Divergence | null;
  try {
    divergence = player.verify(budget);
  } finally {
    player.close();
  }
  const wallSeconds = (performance.now() - t0) / 1000;
  const sim = player.driver.sim;
  const stoppedBy = player.done ? null : (budget?.reason(sim) ?? 'stopped');
  return {
    file: session.file,
    verdict: player.verdict,
    matches: player.verdict === 'matches',
    message: player.describe(),
    divergence,
    problems: session.problems,
    endReason: session.end?.reason ?? null,
    actions: session.counts.actions,
    actionsApplied: player.nextAction,
    samples: session.counts.samples,
    samplesChecked: player.samplesChecked,
    endChecked: player.endChecked,
    finished: player.done,
    stoppedBy,
    simulatedSeconds: sim.now / 1e9,
    events: sim.events,
    wallSeconds,
    warnings: session.warnings,
    summary: player.summary(wallSeconds),
  };
}

/** A recorded or replayed value for a message: JSON, control characters escaped, cut to about 80 characters. */
function show(v: unknown): string {
  if (v === undefined) return '(absent)';
  return typeof v === 'string' ? quote(v) : oneLine(JSON.stringify(v) ?? String(v), 80);
}

/** The first path at which two JSON values differ, depth first in the recorded value's key order. */
export function firstDifference(a: unknown, b: unknown, path: string): { path: string; a: unknown; b: unknown } | null {
  if (a === b) return null;
  const at = path === '' ? '(top level)' : path;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return { path: at, a, b };
  if (Array.isArray(a) && Array.isArray(b)) {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const d = firstDifference(a[i], b[i], `${path}[${i}]`);
      if (d !== null) return d;
    }
    return null;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ao), ...Object.keys(bo)])) {
    const d = firstDifference(Object.hasOwn(ao, k) ? ao[k] : undefined, Object.hasOwn(bo, k) ? bo[k] : undefined, path === '' ? k : `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}
