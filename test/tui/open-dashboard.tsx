import { render } from 'ink-testing-library';
import { listPresets, loadPreset } from '../../src/config/load.js';
import { App } from '../../src/tui/app.js';
import { DashboardController, type DashboardSetup } from '../../src/tui/controller.js';
import { plain, tick } from './ink-helpers.js';

let app: ReturnType<typeof render> | null = null;

/**
 * The dashboard app at `width` x `height` (ink-testing-library draws 100 columns), by default on
 * py2-threads-2cores paused at the start, so that only keys move it. One at a time: opening
 * another closes the last; `closeDashboard` (afterEach) closes it.
 */
export async function openDashboard(setup: Partial<DashboardSetup> = {}, width = 100, height = 40) {
  closeDashboard();
  const controller = new DashboardController({ preset: loadPreset('py2-threads-2cores'), startPaused: true, listPresets, ...setup });
  const a = render(<App controller={controller} width={width} height={height} frameMs={20} />);
  app = a;
  await tick();
  const screen = () => plain(a.lastFrame());
  const press = async (k: string) => {
    a.stdin.write(k);
    await tick();
    return screen();
  };
  return { controller, app: a, screen, press, lines: () => screen().split('\n') };
}

/** Unmounts the dashboard opened last, if any. */
export function closeDashboard(): void {
  app?.unmount();
  app = null;
}
