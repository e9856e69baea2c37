import { configFor, type Overrides, type Preset } from '../config/load.js';
import { summarize, type RunSummary } from './summary.js';
import { Simulation } from '../model/index.js';

/** Simulated time after which a headless run gives up (a preset whose threads never finish). */
export const headlessLimitNs = 3600e9;

/** Runs a preset to completion without a screen and sums it up. */
export function runHeadless(preset: Preset, overrides: Overrides = {}): { sim: Simulation; summary: RunSummary } {
  const sim = new Simulation(configFor(preset, overrides));
  const start = performance.now();
  sim.runUntil(headlessLimitNs);
  const wallSeconds = (performance.now() - start) / 1000;
  return { sim, summary: summarize(preset, sim, wallSeconds) };
}
