import type { CommandName, Parsed } from '../options.js';
import { compareCommand } from './compare.js';
import { calibrateCommand } from './calibrate.js';
import { dashboardCommand } from './dashboard.js';
import { exportCommand } from './export.js';
import { presetsCommand } from './presets.js';
import { replayCommand } from './replay.js';
import { reproduceCommand } from './reproduce.js';
import { runCommand } from './run.js';
import { sweepCommand } from './sweep.js';
import { verifyCommand } from './verify.js';

/** One handler per command; each returns its exit status. */
export const commandHandlers: Record<CommandName, (p: Parsed) => Promise<number>> = {
  dashboard: dashboardCommand,
  run: runCommand,
  reproduce: reproduceCommand,
  compare: compareCommand,
  sweep: sweepCommand,
  replay: replayCommand,
  export: exportCommand,
  presets: presetsCommand,
  calibrate: calibrateCommand,
  verify: verifyCommand,
};

