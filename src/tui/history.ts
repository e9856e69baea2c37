
import type { Snapshot } from '../model/index.js';
/** Points kept for the charts. */
export const CHART_POINTS = 200;

/**
 * What the screen remembers between frames: recent snapshots (the window over which busy shares
 * and rates are computed) and the chart series. A point is added only when simulated time moved,
 * so a paused screen keeps showing the last window instead of zeros.
 */
export class FrameHistory {
  /** Recent snapshots with the wall time they were taken, oldest first. */
  private readonly recent: { wallMs: number; snap: Snapshot }[] = [];
  /** GIL switches per simulated second, one point per frame that moved. */
  readonly switchRate: number[] = [];
  /** Last client latency seen, ms, one point per frame that moved (empty without a client). */
  readonly latencyMs: number[] = [];

  /** @param windowMs wall time the rate window spans */
  constructor(readonly windowMs = 500) {}

  /** Adds the frame's snapshot. */
  push(snap: Snapshot, wallMs: number): void {
    const prev = this.recent[this.recent.length - 1];
    if (prev !== undefined && prev.snap.now === snap.now && prev.snap.events === snap.events) return;
    if (prev !== undefined && snap.now > prev.snap.now) {
      const dt = (snap.now - prev.snap.now) / 1e9;
      pushCapped(this.switchRate, (snap.counters.gilSwitches - prev.snap.counters.gilSwitches) / dt);
      const client = snap.clients[0];
      if (client !== undefined && client.lastNs !== null) pushCapped(this.latencyMs, client.lastNs / 1e6);
    }
    this.recent.push({ wallMs, snap });
    while (this.recent.length > 2 && this.recent[1].wallMs <= wallMs - this.windowMs) this.recent.shift();
  }

  /** The oldest snapshot of the window (the base of rates), or undefined. */
  base(): Snapshot | undefined {
    return this.recent[0]?.snap;
  }

  clear(): void {
    this.recent.length = 0;
    this.switchRate.length = 0;
    this.latencyMs.length = 0;
  }
}

function pushCapped(a: number[], v: number): void {
  a.push(v);
  if (a.length > CHART_POINTS) a.shift();
}
