import type { SessionDriver } from './driver.js';
import type { ReplayPlayer } from './replay.js';
import type { ControlAction } from '../model/index.js';

/**
 * Simulated seconds per wall second that stand for "flat out": finite so that it logs as a
 * plain number, large enough that the wall budget of a slice, not the speed, is the limit.
 */
export const FLAT_OUT = 1e6;

/**
 * Speeds the user steps through (simulated seconds per wall second), slowest first. At the
 * slowest, a Python 2 check that comes every couple of microseconds takes a couple of wall
 * seconds: the ticker visibly counts down on the two-core battle.
 */
export const speedSteps = [0.000001, 0.000002, 0.000005, 0.00001, 0.00002, 0.00005, 0.0001, 0.0002, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, FLAT_OUT] as const;

/**
 * The start speed: a tenth of real time. The default preset (3 simulated seconds) then runs for
 * about half a minute, long enough to watch and to hot-swap things, while a 20 ms timeline strip
 * still scrolls by five times a second. Six presses of "slower" reach 0.001x, where a 5 ms
 * Python 3 timeout takes 5 wall seconds to count down.
 */
export const DEFAULT_SPEED = 0.1;

/** Tuning of the loop. */
export interface LiveLoopOptions {
  /** Wall time the engine may use per slice, ms (the rest of a frame is for input and drawing). */
  budgetMs?: number;
  /** Events per call into the engine between two looks at the clock. */
  chunkEvents?: number;
  /** The longest wall gap a slice makes up for, ms (after a stall the run does not lurch ahead). */
  maxGapMs?: number;
  /** The wall clock, ms (injected by tests). */
  clock?: () => number;
  /**
   * Asked between two chunks of events: true ends the slice at once (the engine's worker
   * stops for a key press or a frame the screen waits for).
   */
  shouldYield?: () => boolean;
}

/**
 * The wall-clock loop of the dashboard: gives the engine a slice of wall time per frame and
 * turns speed (simulated time per wall second) into a simulated target. Pause, resume and speed
 * are states of the session, so they go through the driver's log like every other change.
 */
export class LiveLoop {
  paused = false;
  speed: number;
  readonly budgetMs: number;
  private readonly chunkEvents: number;
  private readonly maxGapMs: number;
  private readonly clock: () => number;
  private readonly shouldYield: () => boolean;
  private lastWall: number;
  /** Simulated instant the run should have reached (fractional ns carried between slices). */
  private targetNs: number;
  /** Wall time the last slice spent in the engine, ms. */
  lastSliceMs = 0;
  /** The last slice stopped short of its simulated target (out of budget, or asked to yield). */
  behind = false;

  /**
   * @param player a recording to play back instead of a live run (its driver is `driver`): the
   *   engine then moves only through the player, which applies the recorded actions, and pause
   *   and speed only pace the playback (they are not logged: the run is not changed).
   */
  constructor(
    public driver: SessionDriver,
    speed = DEFAULT_SPEED,
    opts: LiveLoopOptions = {},
    readonly player: ReplayPlayer | null = null,
  ) {
    this.speed = speed;
    this.budgetMs = opts.budgetMs ?? 8;
    this.chunkEvents = opts.chunkEvents ?? 500;
    this.maxGapMs = opts.maxGapMs ?? 100;
    this.clock = opts.clock ?? (() => performance.now());
    this.shouldYield = opts.shouldYield ?? (() => false);
    this.lastWall = this.clock();
    this.targetNs = driver.sim.now;
  }

  /** Runs the engine for at most one budget of wall time; returns the events processed. */
  slice(): number {
    const start = this.clock();
    const gap = Math.min(Math.max(0, start - this.lastWall), this.maxGapMs);
    this.lastWall = start;
    const sim = this.driver.sim;
    if (this.paused || this.over) {
      this.lastSliceMs = 0;
      this.behind = false;
      return 0;
    }
    // Never owe more than one gap's worth: if the engine cannot keep up, it runs as fast as it can.
    this.targetNs = Math.min(Math.max(this.targetNs, sim.now) + this.speed * gap * 1e6, sim.now + this.speed * this.maxGapMs * 1e6);
    const target = Math.floor(this.targetNs);
    const speed = this.speed;
    let done = 0;
    while (sim.now < target && !this.over) {
      const n = this.player !== null ? this.player.advanceTo(target, this.chunkEvents) : this.driver.advanceTo(target, this.chunkEvents);
      done += n;
      // A recorded pause or speed change (playback) takes effect at once.
      if (n === 0 || this.paused || this.speed !== speed || this.shouldYield() || this.clock() - start >= this.budgetMs) break;
    }
    this.lastSliceMs = this.clock() - start;
    this.behind = sim.now < target && !this.over && !this.paused;
    return done;
  }

  /**
   * Whether nothing is left to run: the run finished or is deadlocked (its clock stops where a
   * headless run stops it; a signal that wakes a thread lets it go on), or the playback reached
   * the end of its recording (or diverged).
   */
  get over(): boolean {
    if (this.player !== null) return this.player.done;
    return this.driver.sim.over;
  }


  /** Pauses (the engine keeps its state). */
  pause(): void {
    if (this.paused) return;
    this.paused = true;
    if (this.player === null) this.driver.act({ type: 'pause' });
  }

  /** Resumes from the current instant. */
  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    this.lastWall = this.clock();
    this.targetNs = this.driver.sim.now;
    if (this.player === null) this.driver.act({ type: 'resume' });
  }

  togglePause(): void {
    if (this.paused) this.resume();
    else this.pause();
  }

  /** Sets the speed, simulated seconds per wall second. */
  setSpeed(speed: number): void {
    if (speed === this.speed) return;
    this.speed = speed;
    this.targetNs = this.driver.sim.now;
    if (this.player === null) this.driver.act({ type: 'speed', speed });
  }

  /** One step along `speedSteps` (+1 faster, -1 slower); returns the new speed. */
  stepSpeed(dir: 1 | -1): number {
    this.setSpeed(nextStep(speedSteps, this.speed, dir));
    return this.speed;
  }

  /** Processes exactly one event (pausing first): for looking at a run event by event. */
  stepEvent(): boolean {
    this.pause();
    if (this.player === null) return this.driver.stepEvent();
    return this.player.playTo(Infinity, { maxEvents: 1 }) > 0;
  }

  /** Advances one simulated millisecond (pausing first). */
  stepMillisecond(): number {
    this.pause();
    const target = this.driver.sim.now + 1e6;
    return this.player === null ? this.driver.advanceTo(target) : this.player.playTo(target);
  }

  /** Applies a change to the engine at the current instant. */
  act(action: ControlAction): void {
    this.driver.act(action);
  }

  /** Swaps in a new run (restart, another preset), keeping speed and pause. */
  replace(driver: SessionDriver): void {
    this.driver = driver;
    this.lastWall = this.clock();
    this.targetNs = driver.sim.now;
  }
}

/** The next value along `steps` from `value` (which need not be on a step), clamped at the ends. */
export function nextStep(steps: readonly number[], value: number, dir: 1 | -1): number {
  if (dir > 0) return steps.find((s) => s > value * (1 + 1e-9)) ?? steps[steps.length - 1];
  for (let i = steps.length - 1; i >= 0; i--) if (steps[i] < value * (1 - 1e-9)) return steps[i];
  return steps[0];
}
