import { round } from './round.js';
import seedrandom from 'seedrandom';

/**
 * The only source of randomness in a run: one seeded stream (Johannes Baagøe's Alea, through
 * `seedrandom`), so that a run is a function of its inputs. Every draw goes through here, in the
 * order the mechanisms ask for them.
 */
export class Rng {
  /** Uniform on [0, 1). */
  readonly random: () => number;

  /**
   * @param seed seeds the stream
   * @param jitter relative spread of every cost drawn through `cost` (0.2 = ±20%)
   */
  constructor(
    seed: string,
    readonly jitter: number,
  ) {
    this.random = seedrandom.alea(seed);
  }

  /** A cost of about `ns`, spread by the machine's jitter: real costs vary with caches and interrupts. */
  cost(ns: number): number {
    if (ns <= 0 || this.jitter === 0) return ns;
    return round(ns * (1 + this.jitter * (2 * this.random() - 1)));
  }
}
