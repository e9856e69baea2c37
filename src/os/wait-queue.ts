/**
 * A FIFO of tasks (or threads) that can also drop a given member, each operation in constant
 * time: a doubly linked list threaded through arrays indexed by the member's `id` (ids are the
 * dense indices of the simulation's task table). A member is in the queue at most once.
 *
 * The kernel's futex queues are FIFO, and a waiter whose timed wait runs out leaves its queue
 * from wherever it stands: an array would pay a search and a splice for that, and a shift for
 * every wake, each growing with the number of waiters.
 */
export class WaitQueue<T extends { readonly id: number }> {
  /** Members by id (undefined: not queued). */
  private readonly items: (T | undefined)[] = [];
  /** Id of the next member toward the tail, by id (-1: none). */
  private readonly nextOf: number[] = [];
  /** Id of the previous member toward the head, by id (-1: none). */
  private readonly prevOf: number[] = [];
  private head = -1;
  private tail = -1;
  private count = 0;

  /** How many are queued. */
  get length(): number {
    return this.count;
  }

  /** Whether `t` is queued. */
  has(t: T): boolean {
    return this.items[t.id] === t;
  }

  /** The member at the head (the next to leave), if any. */
  first(): T | undefined {
    return this.head < 0 ? undefined : this.items[this.head];
  }

  /** Queues `t` at the tail; it must not be queued already. */
  push(t: T): void {
    const id = t.id;
    if (this.items[id] !== undefined) throw new Error(`wait queue: ${id} is queued already`);
    this.items[id] = t;
    this.prevOf[id] = this.tail;
    this.nextOf[id] = -1;
    if (this.tail >= 0) this.nextOf[this.tail] = id;
    else this.head = id;
    this.tail = id;
    this.count++;
  }

  /** Takes the member at the head off the queue and returns it (undefined when empty). */
  shift(): T | undefined {
    if (this.head < 0) return undefined;
    const t = this.items[this.head]!;
    this.unlink(this.head);
    return t;
  }

  /** Takes `t` off the queue wherever it stands; false if it was not queued. */
  remove(t: T): boolean {
    if (this.items[t.id] !== t) return false;
    this.unlink(t.id);
    return true;
  }

  /** The members from head to tail. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let id = this.head; id >= 0; id = this.nextOf[id]) yield this.items[id]!;
  }

  private unlink(id: number): void {
    const p = this.prevOf[id];
    const n = this.nextOf[id];
    if (p >= 0) this.nextOf[p] = n;
    else this.head = n;
    if (n >= 0) this.prevOf[n] = p;
    else this.tail = p;
    this.items[id] = undefined;
    this.count--;
  }
}
