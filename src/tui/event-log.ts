/**
 * The event log: what just happened, in words a lecturer would use ("t2: check at tick 0,
 * sem_post: futex_wake wakes t1 on cpu0"). The sentences come from the model's journal, a ring
 * the simulation writes once it is enabled: the engine reads it (JournalReader) and hands the
 * new sentences to the screen with each frame, which keeps the last few (EventLog).
 */
import type { Simulation } from '../model/index.js';

/** The model's journal as the dashboard reads it (`Simulation.enableJournal(capacity)`). */
export interface JournalRing {
  /** Entries ever written (the next entry's sequence number). */
  readonly written: number;
  /** Calls `fn` for every entry from sequence number `seq` that the ring still holds. */
  forEachSince(seq: number, fn: (atNs: number, threadId: number, text: string) => void): void;
}

/** One sentence of the journal. */
export interface LogEntry {
  atNs: number;
  /** The thread it is about, -1 for none. */
  thread: number;
  text: string;
}

/** Journal entries the model keeps for the event log and the narrated step. */
export const JOURNAL_CAPACITY = 4096;
/** Entries the screen keeps, and the most a frame carries. */
export const LOG_KEEP = 200;

/** Turns on the model's journal of a simulation and returns it. */
export function journalOf(sim: Simulation): JournalRing {
  return sim.enableJournal(JOURNAL_CAPACITY);
}

/** The engine's reader of a journal: hands out each entry once, from the moment it started. */
export class JournalReader {
  private seq: number;

  constructor(readonly ring: JournalRing | null) {
    this.seq = ring?.written ?? 0;
  }

  /** The entries written since the last call (the last `max` of them). */
  take(max = LOG_KEEP): LogEntry[] {
    const out: LogEntry[] = [];
    if (this.ring === null) return out;
    this.ring.forEachSince(Math.max(this.seq, this.ring.written - max), (atNs, thread, text) => {
      out.push({ atNs, thread, text });
    });
    this.seq = this.ring.written;
    return out;
  }
}

/** The screen's log: the last `keep` entries it was given. */
export class EventLog {
  private readonly entries: LogEntry[] = [];

  constructor(readonly keep = LOG_KEEP) {}

  add(fresh: readonly LogEntry[]): void {
    for (const e of fresh.slice(-this.keep)) this.entries.push(e);
    if (this.entries.length > this.keep) this.entries.splice(0, this.entries.length - this.keep);
  }

  /** The last `n` entries, oldest first. */
  last(n: number): LogEntry[] {
    return n <= 0 ? [] : this.entries.slice(-n);
  }
}

/** A journal entry on one line: `2.512829347 s  t2: check at tick 0, ...` (9 decimals: nanoseconds). */
export function formatEntry(e: LogEntry): string {
  return `${(e.atNs / 1e9).toFixed(9)} s  ${e.text}`;
}
