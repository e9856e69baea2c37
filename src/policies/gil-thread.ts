import { Activity, type PyThread } from '../interpreter/py-thread.js';
import type { GilBook } from './gil-book.js';
import type { Handover, Next } from './policy.js';

/** Where a thread is in a GIL's code, so that a policy swap can carry it over. */
export const Phase = {
  /** Not in GIL code. */
  None: 0,
  /** Taking the GIL (after I/O, at start, or again after a check it lost). */
  Take: 1,
  /** Dropping the GIL before I/O or at the end. */
  Drop: 2,
  /** In a check (Python 2's release-and-retake, Python 3's forced drop), still counted as the holder. */
  Check: 3,
} as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

/** What every GIL keeps per thread: where the thread is in its code and how it goes on from there. */
export class GilThread {
  /** Where it is in the GIL's code. */
  phase: Phase = Phase.None;
  /** Continuation once the GIL is taken. */
  takeNext: Next | null = null;
  /** Continuation once the GIL is dropped. */
  dropNext: Next | null = null;
  /** Continuation once a check is over and the thread holds the GIL again. */
  checkNext: Next | null = null;

  constructor(
    /** The thread this record is for. */
    readonly t: PyThread,
  ) {}

  /** The thread starts to take the GIL (the books count its wait from now): `next` runs once it holds it. */
  startTake(next: Next, book: GilBook): void {
    this.takeNext = next;
    this.phase = Phase.Take;
    book.waiting(this.t);
    book.activity(this.t, Activity.GilWait);
  }

  /**
   * The take is over: out of GIL code, the books count the GIL taken (`previous` held it last)
   * and the thread running Python. Returns what it does now.
   */
  endTake(book: GilBook, previous: PyThread | null): Next {
    this.phase = Phase.None;
    book.taken(this.t, previous);
    book.activity(this.t, Activity.Python);
    return this.claimTakeNext();
  }

  /** A check starts (py2's release and re-take, py3's forced drop, bfs's yield), the thread still counted as the holder: `next` runs once it is over. */
  startCheck(next: Next): void {
    this.checkNext = next;
    this.phase = Phase.Check;
  }

  /** A drop starts (for I/O or at the end): `next` runs once it is over. */
  startDrop(next: Next): void {
    this.dropNext = next;
    this.phase = Phase.Drop;
  }

  /** The drop is over: out of GIL code, on with what followed it. */
  endDrop(): void {
    this.phase = Phase.None;
    const next = this.dropNext!;
    this.dropNext = null;
    next(this.t);
  }

  /** The continuation for when the GIL is taken, handed over and cleared. */
  private claimTakeNext(): Next {
    const next = this.takeNext!;
    this.takeNext = null;
    return next;
  }

  /** The continuation for when a check is over (null: the thread is not in a check), handed over and cleared. */
  claimCheckNext(): Next | null {
    const next = this.checkNext;
    this.checkNext = null;
    return next;
  }
}

/**
 * Where each thread with a record stands, for a swap: a thread dropping the GIL goes on to what
 * follows (it may still be the owner until it has marked the GIL free), the owner keeps holding
 * it, any other thread in GIL code must take the next policy's GIL.
 */
export function handoverOf(records: readonly (GilThread | undefined)[], owner: PyThread | null): Handover[] {
  const out: Handover[] = [];
  for (const r of records) {
    if (r === undefined || r.phase === Phase.None) continue;
    const t = r.t;
    if (r.phase === Phase.Drop) out.push({ t, at: 'dropping', next: r.dropNext! });
    else if (t === owner) out.push({ t, at: 'holding', next: r.checkNext ?? r.takeNext! });
    else out.push({ t, at: 'taking', next: r.checkNext ?? r.takeNext! });
  }
  return out;
}
