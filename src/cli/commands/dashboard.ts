import { existsSync } from 'node:fs';
import { InputError } from '../../config/input-error.js';
import { listPresets, loadPreset } from '../../config/load.js';
import { installFinalizers, SessionRecorder } from '../../session/recorder.js';
import { DEFAULT_SPEED, FLAT_OUT } from '../../session/live-loop.js';
import type { DashboardController, DashboardSetup } from '../../tui/controller.js';
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
  const uninstall: (() => void)[] = [];
  try {
    const controller = await showDashboard(
      {
        preset,
        overrides,
        speed,
        listPresets,
        record:
          recordFile === undefined
            ? undefined
            : (driver) => {
                const r = new SessionRecorder(recordFile, driver, { force });
                // A kill or a crash still ends the file properly.
                uninstall.push(installFinalizers(r));
                return r;
              },
        // `r` without --record: a new file in the current folder, never one that exists. A
        // signal or a crash ends it through the dashboard's exit (controller.close()).
        startRecording: (driver) => new SessionRecorder(freshRecordingName(driver.preset.name), driver),
      },
      // A recording installs its own handlers (they end the file first).
      { exitOnSignals: recordFile === undefined },
    );
    const rec = controller.recording;
    if (rec !== null) process.stdout.write(`gil-top: session recorded to ${rec.file}\n`);
  } finally {
    for (const u of uninstall) u();
  }
  return 0;
}

/** `gil-top-PRESET-YYYYMMDD-HHMMSS.jsonl` in the current folder, with a suffix if that exists. */
export function freshRecordingName(preset: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const base = `gil-top-${preset}-${stamp}`;
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}.jsonl` : `${base}-${i}.jsonl`;
    if (!existsSync(name)) return name;
  }
}

/**
 * Draws the dashboard for `setup` in the alternate screen until the user quits (the live run of
 * `gil-top`, or the playback of `gil-top replay FILE`); returns its controller. The caller has
 * checked that stdin and stdout are a terminal.
 */
export async function showDashboard(setup: DashboardSetup, opts: { exitOnSignals?: boolean } = {}): Promise<DashboardController> {
  // React's development build costs several times more per frame; the dashboard is not a
  // React app under development. NODE_ENV is read when React loads, hence the late imports.
  process.env.NODE_ENV ??= 'production';
  // Ink draws only the last frame when it believes it runs in CI (CI=true, as in a CI job that
  // opens a terminal for an end-to-end test). Both ends are TTYs here: somebody is watching.
  delete process.env.CI;
  delete process.env.CONTINUOUS_INTEGRATION;
  // (This file has no JSX for the same reason: the JSX runtime would load React at once.)
  const [{ createElement }, { render }, { App, inkRenderOptions }, { DashboardController }] = await Promise.all([import('react'), import('ink'), import('../../tui/app.js'), import('../../tui/controller.js')]);
  const controller = new DashboardController(setup);

  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    controller.close();
    process.stdout.write(leaveAltScreen);
  };
  process.on('exit', restore);
  // Killed or hung up: leave the alternate screen on the way out (the 'exit' handler does it).
  const onSignal = (sig: NodeJS.Signals) => process.exit(sig === 'SIGHUP' ? 129 : 143);
  if (opts.exitOnSignals !== false) for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.on(sig, onSignal);
  // The terminal went away (window closed): nothing left to draw on.
  process.stdout.on('error', () => process.exit(1));
  process.stdout.write(enterAltScreen);
  try {
    const app = render(createElement(App, { controller }), { exitOnCtrlC: false, patchConsole: true, ...inkRenderOptions });
    await app.waitUntilExit();
  } finally {
    restore();
    process.off('exit', restore);
    for (const sig of ['SIGTERM', 'SIGHUP'] as const) process.off(sig, onSignal);
  }
  return controller;
}
