/*
 * How a free-threaded CPython works (PEP 703, 3.13t and later)
 * ============================================================
 *
 * There is no GIL: every thread runs Python code on its own core at once, and the operating
 * system alone decides who runs. The price is paid by everybody, all the time: biased reference
 * counting, per-object locks and the thread-safe allocator make single-thread code slower
 * (PEP 703 measured 6% on Skylake and 5% on Zen 3; PEP 779 about 10%). The profile's
 * `freeThreadedOverhead` says how much on the simulated machine.
 */
import type { SimThread } from '../workloads/sim-thread.js';
import { Activity } from '../workloads/sim-thread.js';
import { emptyView, type GilPolicy, type GilView, type Next, type PolicyHost, type PolicyState } from './policy.js';

export class FreeThreaded implements GilPolicy {
  readonly name = 'free-threaded' as const;
  readonly interpreter = 'py3' as const;
  readonly speedFactor: number;
  private checkInterval: number;
  private switchIntervalNs: number;
  private readonly threaded: boolean;
  private readonly host: PolicyHost;

  constructor(host: PolicyHost, state: PolicyState) {
    this.host = host;
    this.speedFactor = 1 + host.profile.interpreter.freeThreadedOverhead;
    this.checkInterval = state.checkInterval;
    this.switchIntervalNs = state.switchIntervalNs;
    this.threaded = state.threaded;
  }

  takeGil(t: SimThread, next: Next): void {
    this.host.setActivity(t, Activity.Python);
    next(t);
  }

  dropGil(t: SimThread, next: Next): void {
    next(t);
  }

  ticksUntilCheck(): number {
    return Infinity;
  }

  consumeTicks(): void {}

  checkDue(): boolean {
    return false;
  }

  checkOverheadNs(): number {
    return 0;
  }

  check(t: SimThread, next: Next): void {
    next(t);
  }

  quietWindowNs(): number {
    return -1;
  }

  checkPeriodTicks(): number {
    return Infinity;
  }

  commitQuietChecks(): void {}

  holder(): SimThread | null {
    return null;
  }

  setCheckInterval(ticks: number): void {
    this.checkInterval = ticks;
  }

  setSwitchInterval(ns: number): void {
    this.switchIntervalNs = ns;
  }

  addPendingCall(): void {}

  state(): PolicyState {
    return { holder: null, threaded: this.threaded, checkInterval: this.checkInterval, switchIntervalNs: this.switchIntervalNs };
  }

  view(): GilView {
    return emptyView('free-threaded');
  }
}
