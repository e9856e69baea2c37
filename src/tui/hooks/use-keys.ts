import { useApp, useInput } from 'ink';
import type { DashboardController } from '../controller.js';

/** Routes key presses through the keymap to the controller; quits the app when asked. */
export function useKeys(controller: DashboardController, redraw: () => void): void {
  const { exit } = useApp();
  useInput((input, key) => {
    // Keys typed faster than a read arrive together ("---"): each counts.
    const inputs = !key.ctrl && !key.meta && input.length > 1 ? [...input] : [input];
    let changed = false;
    for (const ch of inputs) {
      changed = controller.key({ input: ch, ctrl: key.ctrl, escape: key.escape, return: key.return, upArrow: key.upArrow, downArrow: key.downArrow }) || changed;
      if (controller.quitRequested) break;
    }
    if (controller.quitRequested) exit();
    else if (changed) redraw();
  });
}
