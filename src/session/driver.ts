import { configFor, type Overrides, type Preset } from '../config/load.js';
import { controlActionTypes, Simulation, type ControlAction, type Snapshot } from '../model/index.js';

/** What the user did that a session log keeps: engine controls plus the session's own. */
export type SessionAction =
  | ControlAction
  | { type: 'pause' }
  | { type: 'resume' }
  /** Simulated seconds per wall second. */
  | { type: 'speed'; speed: number };

/** An action in a few words, as the dashboard's message line, the exports and their marks show it. */
export function actionText(a: SessionAction): string {
  switch (a.type) {
    case 'policy':
      return `policy ${a.policy}`;
    case 'checkInterval':
      return `check interval ${a.ticks} ticks`;
    case 'switchInterval':
      return `switch interval ${+(a.ns / 1e6).toFixed(3)} ms`;
    case 'cores':
      return `${a.cores} core${a.cores === 1 ? '' : 's'}`;
    case 'signal':
      return 'SIGINT';
    case 'pause':
    case 'resume':
      return a.type;
    case 'speed':
      return `speed ${a.speed}x`;
  }
}

/** An action with the simulated instant it took effect. */
export interface LoggedAction {
  atNs: number;
  /** Events processed before it (several events can share an instant: stepping stops between them). */
  events: number;
  action: SessionAction;
}

/** Told what happens in a session (the recorder, the dashboard's charts). */
export interface DriverListener {
  /** An action took effect at `atNs`. */
  onAction?(entry: LoggedAction): void;
  /** The simulation reached a sample instant (a multiple of `sampleEveryNs`). */
  onSample?(snapshot: Snapshot): void;
  /** The run finished (every non-daemon thread and client is done). */
  onFinish?(sim: Simulation): void;
}

/** Whether an action is carried out by the engine (the others only change how it is driven). */
export function isEngineAction(a: SessionAction): a is ControlAction {
  return (controlActionTypes as readonly string[]).includes(a.type);
}

/**
 * Drives a simulation for whoever watches it (the dashboard, `run --record`, `replay`): advances
 * it, stops at every sample instant so that samples are taken at fixed simulated times, applies
 * actions at the current instant and logs them. Because the engine's trajectory does not depend
 * on where it is stopped, the same preset, overrides, seed and logged actions give the same
 * samples however the driver was called: that is what makes replay exact.
 */
export class SessionDriver {
  readonly sim: Simulation;
  readonly log: LoggedAction[] = [];
  private readonly listeners: DriverListener[] = [];
  private nextSampleNs: number;
  private finishNotified = false;

  /**
   * @param preset what to simulate
   * @param overrides the user's changes to it
   * @param sampleEveryNs simulated time between samples (0: no samples)
   */
  constructor(
    readonly preset: Preset,
    readonly overrides: Overrides = {},
    readonly sampleEveryNs = 0,
  ) {
    this.sim = new Simulation(configFor(preset, overrides));
    this.nextSampleNs = sampleEveryNs > 0 ? sampleEveryNs : Infinity;
  }

  addListener(l: DriverListener): void {
    this.listeners.push(l);
  }

  /**
   * Runs the engine up to simulated instant `targetNs` (or until the run finishes or deadlocks,
   * or `maxEvents` events), sampling on the way. Returns the number of events processed. A
   * deadlocked run's clock stops at the end of the stretch its last event ran in (`targetNs` or the
   * next sample instant, whichever comes first): with nothing left to happen, running it on would
   * only take samples (a dashboard flat out asks for hours).
   */
  advanceTo(targetNs: number, maxEvents = Infinity): number {
    let done = 0;
    while (!this.sim.over && done < maxEvents) {
      const stop = Math.min(targetNs, this.nextSampleNs);
      done += this.sim.runUntil(stop, maxEvents - done);
      // Out of budget before every event at or before `stop` ran: no sample yet.
      if (this.sim.finished || this.sim.now < stop || this.sim.nextEventTime() <= stop) break;
      if (stop === this.nextSampleNs) {
        this.nextSampleNs += this.sampleEveryNs;
        if (this.listeners.some((l) => l.onSample)) {
          const snap = this.sim.snapshot();
          for (const l of this.listeners) l.onSample?.(snap);
        }
      }
      if (stop >= targetNs) break;
    }
    this.checkFinished();
    return done;
  }

  /** Processes exactly one event (stepping while paused); returns false if nothing is left. */
  stepEvent(): boolean {
    // A deadlocked run has no event to step to (and no next event to take samples up to).
    if (this.sim.over) return false;
    // Take any sample due before that event, at its own instant, as advanceTo would.
    while (this.sim.nextEventTime() > this.nextSampleNs) this.advanceTo(this.nextSampleNs);
    const ok = this.sim.step();
    this.checkFinished();
    return ok;
  }

  /**
   * Replays a logged action: advances to its instant, stopping after exactly the number of
   * events that had been processed when it was taken, then applies it.
   */
  replayAction(entry: LoggedAction): void {
    this.advanceTo(entry.atNs, Math.max(0, entry.events - this.sim.events));
    this.act(entry.action);
  }

  /** Applies an action at the current instant and logs it. */
  act(action: SessionAction): void {
    if (isEngineAction(action)) this.sim.apply(action);
    const entry = { atNs: this.sim.now, events: this.sim.events, action };
    this.log.push(entry);
    for (const l of this.listeners) l.onAction?.(entry);
  }

  private checkFinished(): void {
    if (this.sim.finished && !this.finishNotified) {
      this.finishNotified = true;
      for (const l of this.listeners) l.onFinish?.(this.sim);
    }
  }
}
