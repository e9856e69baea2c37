import { presetFromData, type Preset } from '../config/load.js';
import { SessionDriver, type LoggedAction } from './driver.js';
import { readSessionFile, sampleOf, type SessionFile, type SessionSample } from './session-file.js';
import { summarize, type RunSummary } from './summary.js';

/** The first place where a replay differs from its recording. */
export interface Divergence {
  /** Simulated instant of the sample (or end) that differs, ns. */
  atNs: number;
  /** Path of the first differing field, e.g. `counters.syscalls.futex_wake`. */
  field: string;
  recorded: unknown;
  replayed: unknown;
  /** One line for the user. */
  message: string;
}

const seconds = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;

/** The preset of a session, rebuilt from the data inside it (no file outside it is read). */
export function presetOfSession(session: SessionFile): Preset {
  return presetFromData(session.header.config.preset, `${session.file}: line 1: config.preset`, session.header.config.profile);
}

/**
 * Plays a recorded session back: a driver on the recorded configuration, fed the recorded
 * actions at their instants (and after the same number of events), whose samples are checked
 * against the recorded ones as they come. The dashboard calls `advanceTo` in place of the
 * driver's own, in slices, and shows `driver.sim`; `verify` runs it to the end headless.
 */
export class ReplayPlayer {
  readonly driver: SessionDriver;
  readonly preset: Preset;
  /** The recorded actions, in order; `nextAction` indexes the first not yet applied. */
  readonly schedule: readonly LoggedAction[];
  nextAction = 0;
  /** Recorded samples checked so far. */
  samplesChecked = 0;
  /** The first difference found, null while everything matches. */
  divergence: Divergence | null = null;
  /**
   * Whether `advanceTo` returns right after applying a recorded pause (the dashboard holds its
   * playback there, as the recording was held); `verify` runs straight through.
   */
  stopAtPause = false;
  /** Where the recording stops: the end line's instant, or the last complete line's. */
  readonly endNs: number;
  readonly endEvents: number;

  constructor(readonly session: SessionFile) {
    const c = session.header.config;
    this.preset = presetOfSession(session);
    this.driver = new SessionDriver(this.preset, { ...c.overrides, seed: c.seed }, c.sampleEveryNs);
    this.schedule = session.actions;
    const last = [...session.samples.slice(-1), ...session.actions.slice(-1)].reduce<{ atNs: number; events: number }>(
      (a, b) => (b.events > a.events ? b : a),
      { atNs: 0, events: 0 },
    );
    const stop = session.end ?? last;
    this.endNs = stop.atNs;
    this.endEvents = stop.events;
  }

  /** Whether the replay has reached the end of the recording (or diverged). */
  get done(): boolean {
    const sim = this.driver.sim;
    return (
      this.divergence !== null ||
      (this.nextAction >= this.schedule.length && this.samplesChecked >= this.session.samples.length && (sim.finished || (sim.now >= this.endNs && sim.events >= this.endEvents)))
    );
  }

  /**
   * Replays up to simulated instant `targetNs` (never past the end of the recording), applying
   * the recorded actions and checking the recorded samples that fall on the way, within
   * `maxEvents` events. Returns the events processed. Recorded pauses and speed changes go
   * through the driver too, so its `onAction` listeners (the dashboard) see them when they are due.
   *
   * Actions and samples are checkpoints taken in the order of the file, each at its instant and
   * after its number of events: a sample is compared with a snapshot taken at exactly the point
   * the recorder took it, however the recording driver was sliced.
   */
  advanceTo(targetNs: number, maxEvents = Infinity): number {
    const sim = this.driver.sim;
    const start = sim.events;
    const left = () => maxEvents - (sim.events - start);
    const { actions, samples, samplesBeforeAction } = this.session;
    while (this.divergence === null) {
      const a = this.nextAction;
      const isAction = a < actions.length && (samplesBeforeAction[a] <= this.samplesChecked || this.samplesChecked >= samples.length);
      const next = isAction ? actions[a] : samples[this.samplesChecked];
      if (next === undefined) {
        this.reach(this.endNs, this.endEvents, targetNs, left);
        break;
      }
      if (!this.reach(next.atNs, next.events, targetNs, left)) break;
      if (isAction) {
        this.nextAction++;
        this.driver.act(actions[a].action);
        if (this.stopAtPause && actions[a].action.type === 'pause') break;
      } else this.check(samples[this.samplesChecked]);
    }
    if (!this.endChecked && this.done) {
      this.endChecked = true;
      this.checkEnd();
    }
    return sim.events - start;
  }

  private endChecked = false;

  /**
   * Advances to the point where the recording was after `events` events at `atNs` (without
   * going past `targetNs` or the event budget); returns whether it got there. Events strictly
   * before that instant go in bulk; the last ones, and any run under an event budget, go one at
   * a time, so that it stops between two events of one instant when the recording did.
   */
  private reach(atNs: number, events: number, targetNs: number, left: () => number): boolean {
    const d = this.driver;
    const sim = d.sim;
    const limitNs = Math.min(atNs, targetNs);
    for (;;) {
      if (sim.finished) return true;
      if (sim.events >= events) {
        // Nothing was left to process before that instant: only the clock moves.
        if (sim.now < limitNs) d.advanceTo(limitNs);
        return sim.now >= atNs || sim.finished;
      }
      if (sim.nextEventTime() > limitNs) {
        if (sim.now < limitNs) d.advanceTo(limitNs);
        return false;
      }
      const room = left();
      if (room <= 0) return false;
      const bulkTo = limitNs === atNs ? atNs - 1 : limitNs;
      if (room === Infinity && sim.nextEventTime() <= bulkTo) d.advanceTo(bulkTo);
      else if (!d.stepEvent()) return sim.finished;
    }
  }

  /** Replays to the end of the recording; the first divergence, or null if it matched. */
  verify(): Divergence | null {
    this.advanceTo(Infinity);
    return this.divergence;
  }

  /** The replayed run's summary (wall time: how long replay took so far is not known here). */
  summary(wallSeconds = 0): RunSummary {
    return summarize(this.preset, this.driver.sim, wallSeconds);
  }

  /** Compares the simulation now with the recorded sample `rec`. */
  private check(rec: SessionSample): void {
    const replayed = JSON.parse(JSON.stringify(sampleOf(this.driver.sim.snapshot()))) as SessionSample;
    const diff = firstDifference(rec, replayed, '');
    this.samplesChecked++;
    if (diff !== null) this.diverge(rec.atNs, diff.path, diff.a, diff.b, `sample at ${seconds(rec.atNs)}: ${diff.path} recorded ${show(diff.a)} replayed ${show(diff.b)}`);
  }

  private checkEnd(): void {
    const sim = this.driver.sim;
    const samples = this.session.samples;
    if (this.samplesChecked < samples.length) {
      const missing = samples[this.samplesChecked];
      this.diverge(missing.atNs, 'atNs', missing.atNs, null, `sample at ${seconds(missing.atNs)}: recorded, but the replay ended at ${seconds(sim.now)} without reaching it`);
      return;
    }
    const end = this.session.end;
    if (end === null) return;
    if (sim.now !== end.atNs || sim.events !== end.events) {
      this.diverge(end.atNs, 'end', `${seconds(end.atNs)} after ${end.events} events`, `${seconds(sim.now)} after ${sim.events} events`, `end: recorded at ${seconds(end.atNs)} after ${end.events} events, replayed at ${seconds(sim.now)} after ${sim.events} events`);
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
  return new ReplayPlayer(readSessionFile(file));
}

/** The outcome of checking a recording by replaying it. */
export interface ReplayReport {
  file: string;
  /** Whether every recorded sample (and the final summary) was reproduced exactly. */
  matches: boolean;
  divergence: Divergence | null;
  /** Why the recording ended, null if it was cut short. */
  endReason: string | null;
  actions: number;
  samples: number;
  samplesChecked: number;
  simulatedSeconds: number;
  events: number;
  /** Wall time the replay took. */
  wallSeconds: number;
  warnings: string[];
  summary: RunSummary;
}

/** Replays a session headless and reports whether it matched. */
export function verifySession(session: SessionFile): ReplayReport {
  const t0 = performance.now();
  const player = new ReplayPlayer(session);
  const divergence = player.verify();
  const wallSeconds = (performance.now() - t0) / 1000;
  const sim = player.driver.sim;
  return {
    file: session.file,
    matches: divergence === null,
    divergence,
    endReason: session.end?.reason ?? null,
    actions: session.actions.length,
    samples: session.samples.length,
    samplesChecked: player.samplesChecked,
    simulatedSeconds: sim.now / 1e9,
    events: sim.events,
    wallSeconds,
    warnings: session.warnings,
    summary: player.summary(wallSeconds),
  };
}

function show(v: unknown): string {
  return v === undefined ? '(absent)' : JSON.stringify(v);
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
    const d = firstDifference(ao[k], bo[k], path === '' ? k : `${path}.${k}`);
    if (d !== null) return d;
  }
  return null;
}
