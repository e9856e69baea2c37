import type { Counters } from './counters.js';
import { EventQueue } from './event-queue.js';
import type { Journal } from './journal.js';
import type { Rng } from './rng.js';

/** Runs one event; `target` says which core, task or connection it is about. */
export type EventHandler = (target: number) => void;

/**
 * The discrete-event core every part of the model shares, kept as small as SimPy's environment:
 * the clock (integer nanoseconds), the queue, the random stream and the tallies. Subsystems
 * register a handler per kind of event they schedule (`on`), so the core knows none of them.
 */
export class Engine {
  /** Simulated time, integer ns. */
  now = 0;
  /** Events run so far. */
  events = 0;
  /** Of `events`, those a fast path ran itself (see `foldUntil`). */
  folded = 0;
  /** Instant of the last event run (the clock may have moved on since with nothing to do). */
  lastEventAt = 0;
  /** Set once the run is over: nothing more is run. */
  halted = false;
  /** Events not yet run. */
  readonly queue = new EventQueue(4096);
  /** The narration, when somebody reads it (null: off, and nothing is said). */
  journal: Journal | null = null;
  /**
   * Whether a mechanism may run a stretch of events itself, without the queue: a fast path that
   * folds them exactly as stepping would run them (see `foldUntil`). Off in differential tests.
   */
  fastPaths = true;
  /**
   * While `runUntil` runs: the last instant a fast path may take the run to, and the event count
   * it must stop at (events after `foldUntil`, or from number `foldStop` on, are the queue's).
   * -Infinity outside `runUntil` and in `step`, which runs exactly one event.
   */
  foldUntil = -Infinity;
  foldStop = 0;
  /**
   * The earliest event a fast path holds out of the queue while it lets the generic code run a
   * step (Infinity when none): what comes next, as `horizon` tells the mechanisms, counts it.
   */
  held = Infinity;
  private readonly handlers: EventHandler[] = [];

  constructor(
    /** The tallies every mechanism counts into. */
    readonly counters: Counters,
    /** The seeded random stream. */
    readonly rng: Rng,
  ) {}

  /** Registers the handler of a kind of event; returns the kind to schedule it with. */
  on(handler: EventHandler): number {
    this.handlers.push(handler);
    return this.handlers.length - 1;
  }

  /** A cost of about `ns` with the machine's jitter (a draw from the stream). */
  cost(ns: number): number {
    return this.rng.cost(ns);
  }

  /** Says what happened to `thread` now, when the narration is on (build the text only then: `if (engine.journal)`). */
  say(thread: number, text: string): void {
    this.journal?.say(this.now, thread, text);
  }

  /** Schedules a one-off event `delay` ns from now. */
  after(delay: number, kind: number, target: number): void {
    this.queue.push(this.now + delay, kind, target);
  }

  /** Schedules the one pending event of `key` at an absolute instant (never before now), replacing any earlier one. */
  schedule(key: number, time: number, kind: number, target: number): void {
    this.queue.schedule(key, time < this.now ? this.now : time, kind, target);
  }

  /**
   * How far a component may run ahead without missing an event: the earliest pending event (one
   * a fast path holds out of the queue included).
   * It never depends on how a caller slices `runUntil`, so a run is the same however it is
   * watched (a recorded session replays exactly).
   */
  horizon(): number {
    const t = this.queue.peekTime();
    return this.held < t ? this.held : t;
  }

  /** Runs one event; returns false when the run is over or nothing is left. */
  step(): boolean {
    if (this.halted) return false;
    const q = this.queue;
    if (!q.pop()) return false;
    this.now = q.poppedTime;
    this.events++;
    this.lastEventAt = this.now;
    this.handlers[q.poppedKind](q.poppedTarget);
    return true;
  }

  /**
   * Runs every event up to and including `time` (or until the run is over, or `maxEvents` ran),
   * then sets the clock to `time` if it got there. Returns the number of events run.
   */
  runUntil(time: number, maxEvents = Infinity): number {
    const q = this.queue;
    const handlers = this.handlers;
    const start = this.events;
    // A handler may run events of its own (a fast path): they count, and the limits hold for them.
    const stop = start + maxEvents;
    if (this.fastPaths) {
      this.foldUntil = time;
      this.foldStop = stop;
    }
    // One look at the queue an event: pop finds the earliest and stops if it is after `time`.
    while (!this.halted && this.events < stop && q.pop(time)) {
      this.now = q.poppedTime;
      this.events++;
      handlers[q.poppedKind](q.poppedTarget);
    }
    this.foldUntil = -Infinity;
    const n = this.events - start;
    if (n > 0) this.lastEventAt = this.now;
    // The clock moves to `time` only if no event at or before it is left (maxEvents can stop early).
    if (!this.halted && time !== Infinity && time > this.now && q.peekTime() > time) this.now = time;
    return n;
  }

  /** A fast path runs the event due at `time` itself (see `foldUntil`): the clock and the tallies move as the queue's run would move them. */
  runFolded(time: number): void {
    this.now = time;
    this.events++;
    this.folded++;
  }

  /** Whether a fast path may run an event due at `time` itself (see `foldUntil`): never once the run is over. */
  mayFold(time: number): boolean {
    return !this.halted && time <= this.foldUntil && this.events < this.foldStop;
  }
}
