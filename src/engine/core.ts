import seedrandom from 'seedrandom';
import type { Counters } from './counters.js';
import { EventQueue } from './event-queue.js';

/** Event kinds in the queue. Each names what happens and who `target` is. */
export const Ev = {
  /** A task's CPU burst ends; target = task id. */
  BurstEnd: 0,
  /** A core's time slice may be over; target = core id. */
  SliceEnd: 1,
  /** A task's timed wait or sleep runs out; target = task id. */
  Timer: 2,
  /** Bytes sent on a connection arrive at the other end; target = connection end id. */
  Deliver: 3,
  /** A thread with a start delay starts; target = task id. */
  Start: 4,
} as const;

/**
 * The discrete-event core every part of the model shares: the clock (integer nanoseconds), the
 * queue, and the counters. Kept tiny, as SimPy's environment is.
 */
export class SimCore {
  /** Simulated time, integer ns. */
  now = 0;
  /** Events not yet fired. */
  readonly queue = new EventQueue(4096);
  /** Events fired so far. */
  events = 0;

  /** The only source of randomness: seeded, so a run is a function of its inputs. */
  readonly random: () => number;

  /**
   * @param counters the tallies to keep
   * @param seed seeds `random`
   * @param jitter relative spread of every cost drawn through `cost` (0.2 = ±20%)
   */
  constructor(
    readonly counters: Counters,
    seed: string,
    private readonly jitter: number,
  ) {
    this.random = seedrandom.alea(seed);
  }

  /** A cost of about `ns`, spread by the machine's jitter: real costs vary with caches and interrupts. */
  cost(ns: number): number {
    if (ns <= 0 || this.jitter === 0) return ns;
    return Math.round(ns * (1 + this.jitter * (2 * this.random() - 1)));
  }

  /** Schedules an event `delay` ns from now. */
  after(delay: number, kind: number, target: number, token: number): void {
    this.queue.push(this.now + delay, kind, target, token);
  }

  /** Schedules the one pending event of `key` at an absolute instant, replacing any earlier one. */
  atKeyed(key: number, time: number, kind: number, target: number, token: number): void {
    this.queue.schedule(key, time < this.now ? this.now : time, kind, target, token);
  }


  /**
   * How far a component may run ahead without missing an event: the earliest pending event.
   * It never depends on how a caller slices `runUntil`, so a run is the same however it is
   * watched (a recorded session replays exactly).
   */
  horizon(): number {
    return this.queue.peekTime();
  }
}
