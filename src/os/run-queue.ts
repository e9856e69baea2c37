import TinyQueue from 'tinyqueue';
import type { Task } from './task.js';

/**
 * A core's CFS run queue: the task with the smallest vruntime leaves first, and among equal
 * vruntimes the one queued first (a sorted insert placed a task after its equals). A binary heap
 * on (vruntime, order of arrival), so a push or a pop costs the logarithm of the queue's length
 * where a sorted array moved every task behind the insertion point. A task's vruntime must not
 * change while it is queued (the kernel charges only the running task).
 */
export class RunQueue<T extends Task> {
  private readonly heap = new TinyQueue<T>([], (a, b) => (a.vruntime < b.vruntime ? -1 : a.vruntime > b.vruntime ? 1 : a.queuedSeq - b.queuedSeq));
  /** Arrivals so far: each queued task's `queuedSeq`. */
  private arrivals = 0;

  /** Number of tasks waiting. */
  get length(): number {
    return this.heap.length;
  }

  /** The leftmost task (the next to run), if any. */
  peek(): T | undefined {
    return this.heap.peek();
  }

  /** Queues a task behind those with a smaller or equal vruntime. */
  push(t: T): void {
    t.queuedSeq = this.arrivals++;
    this.heap.push(t);
  }

  /** Takes the leftmost task off the queue (undefined when none waits). */
  pop(): T | undefined {
    return this.heap.pop();
  }
}
