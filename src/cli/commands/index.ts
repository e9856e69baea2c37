import type { CommandName, Parsed } from '../options.js';
import { dashboardCommand } from './dashboard.js';
import { exportCommand } from './export.js';
import { presetsCommand } from './presets.js';
import { replayCommand } from './replay.js';
import { runCommand } from './run.js';

/** One handler per command; each returns its exit status. */
export const commandHandlers: Record<CommandName, (p: Parsed) => Promise<number>> = {
  dashboard: dashboardCommand,
  run: runCommand,
  reproduce: notYet('reproduce'),
  replay: replayCommand,
  export: exportCommand,
  presets: presetsCommand,
};

function notYet(name: string) {
  return async () => {
    process.stderr.write(`gil-top: "${name}" is not available in this build\n`);
    return 1;
  };
}
