import { configFor, type Overrides, type Preset } from '../config/load.js';
import { summarize, type RunSummary } from './summary.js';
import { Simulation } from '../model/index.js';
import { WallBudget } from './wall-budget.js';

/** Simulated time after which a headless run gives up (a preset whose threads never finish). */
export const headlessLimitNs = 3600e9;

/** Events run between two looks at the wall clock. */
export const sliceEvents = 100_000;

/**
 * Runs a preset to completion without a screen and sums it up: until every non-daemon thread
 * has finished, the simulated hour is up, or `budget` (a wall-clock limit) runs out. A run that
 * stops early says why (`stoppedBy`) and names the threads that starve for the GIL.
 */
export function runHeadless(preset: Preset, overrides: Overrides = {}, budget?: WallBudget): { sim: Simulation; summary: RunSummary } {
  const sim = new Simulation(configFor(preset, overrides));
  const start = performance.now();
  if (budget === undefined) sim.runUntil(headlessLimitNs);
  else
    while (!sim.over && sim.now < headlessLimitNs && !budget.expired()) {
      sim.runUntil(headlessLimitNs, sliceEvents);
      budget.tick(sim);
    }
  const wallSeconds = (performance.now() - start) / 1000;
  return { sim, summary: withStop(summarize(preset, sim, wallSeconds), sim, budget) };
}

/**
 * A summary with why the run stopped before its end (a deadlock, the simulated hour, or the
 * wall-clock budget) and which threads starve for the GIL; unchanged for a run that finished.
 */
export function withStop(summary: RunSummary, sim: Simulation, budget?: WallBudget): RunSummary {
  if (sim.finished) return summary;
  if (sim.deadlocked) {
    const waits = sim.socketWaits();
    const stoppedBy = `a deadlock: nothing was left to happen after t=${(sim.lastEventAt / 1e9).toFixed(6)} s simulated${waits.length > 0 ? `, with ${waits.join(', ')}` : ''}`;
    // Simulated time ends where the run stopped moving (the clock ran on with nothing to do).
    return { ...summary, simulatedSeconds: sim.lastEventAt / 1e9, stoppedBy, deadlock: true, starving: [] };
  }
  if (budget !== undefined) budget.watch.observe(sim.snapshot());
  const stoppedBy = sim.now >= headlessLimitNs ? `the ${headlessLimitNs / 1e9} s simulated limit` : budget !== undefined ? budget.reason(sim) : 'stopped';
  return { ...summary, stoppedBy, starving: budget?.watch.starving(sim.now) ?? [] };
}
