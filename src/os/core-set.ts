/**
 * A set of core ids that answers "which is the lowest?" without looking at every core: a bitset,
 * one bit per core in 32-bit words, whose lowest member is found word by word with a count of
 * leading zeros (256 cores: at most 8 words, whatever the number of members).
 *
 * The kernel keeps its idle cores in one (wake-up placement takes the lowest idle core) and its
 * cores by run-queue length in others (an idle core pulls from the longest queue, the lowest core
 * among equals), as the scans it replaces chose them.
 */
export class CoreSet {
  private words = new Int32Array(8);
  private count = 0;

  /** How many cores are in the set. */
  get size(): number {
    return this.count;
  }

  /** Whether core `id` is in the set. */
  has(id: number): boolean {
    const w = id >>> 5;
    return w < this.words.length && (this.words[w] & (1 << (id & 31))) !== 0;
  }

  /** Adds core `id` (no change if it is in already). */
  add(id: number): void {
    const w = id >>> 5;
    if (w >= this.words.length) {
      const grown = new Int32Array(Math.max(w + 1, this.words.length * 2));
      grown.set(this.words);
      this.words = grown;
    }
    const bit = 1 << (id & 31);
    if ((this.words[w] & bit) !== 0) return;
    this.words[w] |= bit;
    this.count++;
  }

  /** Removes core `id` (no change if it is not in). */
  delete(id: number): void {
    const w = id >>> 5;
    if (w >= this.words.length) return;
    const bit = 1 << (id & 31);
    if ((this.words[w] & bit) === 0) return;
    this.words[w] &= ~bit;
    this.count--;
  }

  /** The lowest core id in the set, or -1 when it is empty. */
  lowest(): number {
    if (this.count === 0) return -1;
    const words = this.words;
    for (let w = 0; w < words.length; w++) {
      const x = words[w];
      if (x !== 0) return (w << 5) + 31 - Math.clz32(x & -x);
    }
    return -1;
  }
}
