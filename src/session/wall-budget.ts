import type { Simulation, Snapshot } from '../model/index.js';

/** Wall-clock seconds a headless command may run by default (`--max-wall`). */
export const defaultMaxWallSeconds = 120;

/** Where progress goes: a terminal's stderr (anything with `isTTY` and `write`). */
export interface ProgressStream {
  isTTY?: boolean;
  write(s: string): unknown;
}

/** A thread that waits for a GIL and does not get it. */
export interface Starving {
  thread: string;
  /** Simulated instant since which it has not had the GIL, seconds. */
  sinceSeconds: number;
  /** Whether it never had the GIL at all. */
  neverHeld: boolean;
}

/**
 * The wall-clock budget of a headless command (`run`, `replay`, `export`, `reproduce`): whether it
 * has run out, a progress line on a terminal while a long run goes (after the first second, four
 * times a second, on stderr), and a watch for starving threads from snapshots taken as it goes.
 * The loops that use it run in slices and call `tick` between them.
 */
export class WallBudget {
  private readonly startMs: number;
  private readonly deadlineMs: number;
  private lastWatchMs = -Infinity;
  private lastProgressMs: number;
  private shown = false;
  /** The starving-thread watch, fed a snapshot every tenth of a second of wall time. */
  readonly watch = new StarvationWatch();

  constructor(
    readonly maxWallSeconds: number = defaultMaxWallSeconds,
    private readonly label = '',
    private readonly progress: ProgressStream | null = null,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.startMs = clock();
    this.deadlineMs = this.startMs + maxWallSeconds * 1000;
    this.lastProgressMs = this.startMs + 750;
  }

  /** Whether the budget has run out. */
  expired(): boolean {
    return this.clock() >= this.deadlineMs;
  }

  /** Wall seconds since the start. */
  get elapsedSeconds(): number {
    return (this.clock() - this.startMs) / 1000;
  }

  /** Between two slices of a run: watches for starving threads and draws progress when due. */
  tick(sim: Simulation): void {
    const t = this.clock();
    if (t - this.lastWatchMs >= 100) {
      this.lastWatchMs = t;
      this.watch.observe(sim.snapshot());
    }
    if (this.progress?.isTTY === true && t - this.lastProgressMs >= 250) {
      this.lastProgressMs = t;
      const starving = this.watch.starving(sim.now);
      const note = starving.length > 0 ? `; ${starvingLine(starving)}` : '';
      this.progress.write(`\r\x1b[K${this.label}t=${(sim.now / 1e9).toFixed(3)} s simulated, ${((t - this.startMs) / 1000).toFixed(1)} of ${this.maxWallSeconds} s wall (--max-wall)${note}`.slice(0, 300));
      this.shown = true;
    }
  }

  /** Why a run stopped here: the wall-clock limit, at which simulated instant. */
  reason(sim: { now: number }): string {
    return `the wall-clock limit of ${this.maxWallSeconds} s (--max-wall) at t=${(sim.now / 1e9).toFixed(3)} s simulated`;
  }

  /** Clears the progress line, if one was drawn. */
  finish(): void {
    if (this.shown) this.progress?.write('\r\x1b[K');
    this.shown = false;
  }
}

/** One line naming starving threads: `t2 has waited for the GIL since t=0.001 s and never had it`. */
export function starvingLine(s: readonly Starving[]): string {
  return s
    .map((x) => `${x.thread} has ${x.neverHeld ? 'waited for the GIL since' : 'not had the GIL since'} t=${x.sinceSeconds.toFixed(3)} s${x.neverHeld ? ' and never had it' : ''}`)
    .join('; ');
}

/**
 * Finds Python threads that wait for the GIL and do not get it, from snapshots: per thread, when
 * its count of GIL acquisitions last moved. A thread that never had the GIL has waited since
 * (now - its total wait). Reported once such a wait has lasted a simulated second and a quarter
 * of the run.
 */
export class StarvationWatch {
  private readonly seen = new Map<number, { acquisitions: number; sinceNs: number }>();
  private last: Snapshot | null = null;

  observe(s: Snapshot): void {
    this.last = s;
    for (const t of s.threads) {
      if (!t.python) continue;
      const w = this.seen.get(t.id);
      if (w === undefined || w.acquisitions !== t.acquisitions) this.seen.set(t.id, { acquisitions: t.acquisitions, sinceNs: s.now });
    }
  }

  /** The starving threads as of the last snapshot (`nowNs`: the simulated instant to measure to). */
  starving(nowNs = this.last?.now ?? 0): Starving[] {
    const s = this.last;
    if (s === null) return [];
    const out: Starving[] = [];
    for (const t of s.threads) {
      if (!t.python || t.holdsGil || t.finishedAt !== null || (t.view !== 'wait' && t.view !== 'spin' && t.view !== 'ready')) continue;
      const w = this.seen.get(t.id);
      if (w === undefined) continue;
      const never = t.acquisitions === 0;
      const since = never ? Math.max(0, s.now - t.gilWaitNs) : w.sinceNs;
      const waited = nowNs - since;
      if (waited >= 1e9 && waited >= nowNs / 4) out.push({ thread: t.name, sinceSeconds: since / 1e9, neverHeld: never });
    }
    return out;
  }
}
