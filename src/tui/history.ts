import type { Snapshot } from '../model/index.js';

/** Points kept for the charts. */
export const CHART_POINTS = 200;

/**
 * The stretch of simulated time rates and busy shares are taken over, for a speed (simulated
 * seconds per wall second): half a wall second's worth, at least 1 ms and at most 200 ms of
 * simulated time. Stepping event by event never shrinks it, so that a rate is never taken over
 * a few nanoseconds (one futex_wait in 200 ns is not "5 million a second").
 */
export function rateWindowNs(speed: number): number {
  return Math.min(2e8, Math.max(1e6, speed * 0.5e9));
}

/**
 * What the screen remembers between frames: snapshots going back one rate window of simulated
 * time (thinned to a few per window) and the chart series. A point is added only when simulated
 * time moved, so a paused screen keeps showing the last window instead of zeros.
 */
export class FrameHistory {
  /** Snapshots at least 1/16 of a window apart, oldest first. */
  private readonly kept: Snapshot[] = [];
  private windowNs = 1e6;
  private latest: Snapshot | undefined;
  /** GIL switches per simulated second over the window, one point per frame that moved. */
  readonly switchRate: number[] = [];
  /** Last client latency seen, ms, one point per frame that moved (empty without a client). */
  readonly latencyMs: number[] = [];

  /** Adds the frame's snapshot; rates are taken over `windowNs` of simulated time. */
  push(snap: Snapshot, windowNs: number): void {
    this.windowNs = windowNs;
    const prev = this.latest;
    if (prev !== undefined && prev.now === snap.now && prev.events === snap.events) return;
    this.latest = snap;
    const last = this.kept[this.kept.length - 1];
    if (last === undefined || snap.now - last.now >= windowNs / 16) this.kept.push(snap);
    // Keep the newest snapshot that is at least a window old, and what came after it.
    while (this.kept.length >= 2 && this.kept[1].now <= snap.now - windowNs) this.kept.shift();
    if (prev !== undefined && snap.now > prev.now) {
      const b = this.base();
      const since = b ?? { now: 0, counters: { gilSwitches: 0 } };
      pushCapped(this.switchRate, (snap.counters.gilSwitches - since.counters.gilSwitches) / ((snap.now - since.now) / 1e9));
      const client = snap.clients[0];
      if (client !== undefined && client.lastNs !== null) pushCapped(this.latencyMs, client.lastNs / 1e6);
    }
  }

  /**
   * The snapshot a window back (the base of rates and shares), or undefined while the run is
   * younger than a window: then rates are taken since the start.
   */
  base(): Snapshot | undefined {
    const now = this.latest?.now ?? 0;
    const b = this.kept[0];
    return b !== undefined && b.now <= now - this.windowNs ? b : undefined;
  }
}

function pushCapped(a: number[], v: number): void {
  a.push(v);
  if (a.length > CHART_POINTS) a.shift();
}
