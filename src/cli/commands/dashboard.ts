import { InputError } from '../../config/input-error.js';
import { listPresets, loadPreset } from '../../config/load.js';
import { errorLine, installFinalizers } from '../../session/recorder.js';
import { addExitCleanup } from '../../session/exit-cleanup.js';
import { DEFAULT_SPEED, FLAT_OUT } from '../../session/live-loop.js';
import { presetOfSession } from '../../session/replay.js';
import type { DashboardController } from '../../tui/controller.js';
import type { WorkerSetup } from '../../tui/worker-setup.js';
import { numberOption, overridesFrom, type Parsed } from '../options.js';

/** The preset the dashboard opens with no --preset. */
export const DEFAULT_PRESET = 'py2-threads-2cores';

const enterAltScreen = '\x1b[?1049h\x1b[H';
const leaveAltScreen = '\x1b[?25h\x1b[?1049l';

/** `--speed`: a number of simulated seconds per wall second, or `max`. */
export function speedOption(v: unknown): number {
  if (v === undefined) return DEFAULT_SPEED;
  if (String(v).toLowerCase() === 'max') return FLAT_OUT;
  return numberOption('speed', v, 1e-6, FLAT_OUT, false)!;
}

/** `gil-top` with no command: the live dashboard, in the alternate screen. */
export async function dashboardCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`unexpected argument "${p.args[0]}" (see gil-top --help)`);
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    process.stderr.write('gil-top: the dashboard needs a terminal (stdin and stdout must be a TTY); for a headless run use `gil-top run --preset NAME`\n');
    return 2;
  }
  const preset = loadPreset(typeof p.values.preset === 'string' ? p.values.preset : DEFAULT_PRESET);
  const overrides = overridesFrom(p.values);
  const speed = speedOption(p.values.speed);
  const recordFile = typeof p.values.record === 'string' ? p.values.record : undefined;
  const force = p.values.force === true;
  const controller = await showDashboard(
    {
      preset,
      overrides,
      speed,
      record: recordFile === undefined ? undefined : { file: recordFile, force },
      // `r` without --record: a new file in the current folder, never one that exists. A
      // signal or a crash ends it through the dashboard's exit (controller.close()).
      recordOnKey: true,
    },
    // With --record, a kill or a crash ends the file properly (its handlers end it first).
    { finalizeOnSignals: recordFile !== undefined },
  );
  const rec = controller.recordedFile;
  if (rec !== null) process.stdout.write(`gil-top: session recorded to ${rec}\n`);
  return 0;
}

/**
 * Draws the dashboard for `setup` in the alternate screen until the user quits (the live run of
 * `gil-top`, or the playback of `gil-top replay FILE`), with the engine in a worker thread;
 * returns its controller, closed. The caller has checked that stdin and stdout are a terminal.
 *
 * @param opts.finalizeOnSignals a recording runs from the start: Ctrl+C, SIGTERM, SIGHUP and a
 *   crash finalise it before the process ends (otherwise SIGTERM and SIGHUP just end the process,
 *   whose exit handler still closes the engine).
 */
export async function showDashboard(setup: WorkerSetup, opts: { finalizeOnSignals?: boolean } = {}): Promise<DashboardController> {
  // React's development build costs several times more per frame; the dashboard is not a
  // React app under development. NODE_ENV is read when React loads, hence the late imports.
  process.env.NODE_ENV ??= 'production';
  // Ink draws only the last frame when it believes it runs in CI (CI=true, as in a CI job that
  // opens a terminal for an end-to-end test). Both ends are TTYs here: somebody is watching.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // (This file has no JSX for the same reason: the JSX runtime would load React at once.)
  const [{ createElement }, { render }, { App, inkRenderOptions }, { DashboardController }, { WorkerEngine }] = await Promise.all([
    import('react'),
    import('ink'),
    import('../../tui/app.js'),
    import('../../tui/controller.js'),
    import('../../tui/worker-link.js'),
  ]);
  // Bad input (a recording file that exists) is refused here, before the screen changes.
  const engine = await WorkerEngine.start(setup);
  const preset = setup.replay !== undefined ? presetOfSession(setup.replay) : setup.preset;
  const controller = new DashboardController({ preset, listPresets, engine });
  const uninstall = opts.finalizeOnSignals ? installFinalizers({ finalize: (reason) => controller.close(reason === 'crashed' || reason === 'interrupted' ? reason : 'quit') }) : () => {};

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    let failed: unknown = null;
    try {
      controller.close();
    } catch (e) {
      // A recording that cannot be finalised (a full disk): said after the screen is back.
      failed = e;
    } finally {
      process.stdout.write(leaveAltScreen);
    }
    if (failed !== null) {
      process.stderr.write(`${errorLine(failed)}\n`);
      process.exitCode = 1;
    }
  };
  process.on('exit', restore);
  // An error or a signal that ends the process leaves the alternate screen before its last line.
  const removeCleanup = addExitCleanup(restore);
  // Killed or hung up: leave the alternate screen on the way out (the 'exit' handler does it).
  const onSignal = (sig: NodeJS.Signals) => process.exit(sig === 'SIGHUP' ? 129 : 143);
  if (!opts.finalizeOnSignals) for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  // Any error thrown from a frame: the terminal first, then one line (with --record, the
  // recording's own handlers do this after ending the file).
  const onCrash = (err: unknown) => {
    restore();
    process.stderr.write(`${errorLine(err)}\n`);
    process.exit(1);
  };
  if (!opts.finalizeOnSignals) {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
  }
  // The terminal went away (window closed): nothing left to draw on.
  process.stdout.on('error', () => process.exit(1));
  process.stdout.write(enterAltScreen);
  try {
    const app = render(createElement(App, { controller }), { exitOnCtrlC: false, patchConsole: true, ...inkRenderOptions });
    await app.waitUntilExit();
  } finally {
    restore();
    removeCleanup();
    process.off('exit', restore);
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
    uninstall();
  }
  return controller;
}
