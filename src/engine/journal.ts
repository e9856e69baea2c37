import { TimedRing } from './ring.js';

/**
 * The model's narration: a bounded ring of sentences, one per thing that happened in a
 * mechanism ("t2: check: sem_post, futex_wake wakes t1"), each with its instant and the thread it
 * is about. Off by default: the mechanisms write only when it is on (`engine.journal !== null`),
 * so a run that nobody reads pays one comparison per place. The dashboard's event log, its
 * narrated step and the exact event-trace tests read it.
 */
export class Journal extends TimedRing<string> {
  constructor(capacity: number) {
    super(capacity, new Array<string>(capacity).fill(''));
  }

  /** Writes a sentence about `thread` (-1: about no thread) at `time`. */
  say(time: number, thread: number, text: string): void {
    this.push(time, thread, text);
  }
}
