import { useApp, useInput, useStdin } from 'ink';
import { useEffect } from 'react';
import type { DashboardController } from '../controller.js';
import type { KeyPress } from '../keymap.js';

/** F1 and F10 as terminals send them (xterm, VT100, the Linux console, rxvt). */
const functionKeys: Record<string, 'f1' | 'f10'> = { '\x1bOP': 'f1', '\x1b[11~': 'f1', '\x1b[[A': 'f1', '\x1b[21~': 'f10' };

/** Routes key presses through the keymap to the controller; quits the app when asked. */
export function useKeys(controller: DashboardController, redraw: () => void): void {
  const { exit } = useApp();
  const press = (keys: KeyPress[]) => {
    let changed = false;
    for (const k of keys) {
      changed = controller.key(k) || changed;
      if (controller.quitRequested) break;
    }
    if (controller.quitRequested) exit();
    else if (changed) redraw();
  };
  useInput((input, key) => {
    // Keys typed faster than a read arrive together ("---"): each counts.
    const inputs = !key.ctrl && !key.meta && input.length > 1 ? [...input] : [input];
    press(inputs.map((ch) => ({ input: ch, ctrl: key.ctrl, escape: key.escape, return: key.return, upArrow: key.upArrow, downArrow: key.downArrow, pageUp: key.pageUp, pageDown: key.pageDown })));
  });
  // Ink reports F1 and F10 with no name (an empty input), so they are read from the raw input.
  const { internal_eventEmitter: events } = useStdin() as ReturnType<typeof useStdin> & { internal_eventEmitter?: NodeJS.EventEmitter };
  useEffect(() => {
    const onInput = (data: string) => {
      const f = functionKeys[data];
      if (f !== undefined) press([{ input: '', [f]: true }]);
    };
    events?.on('input', onInput);
    return () => {
      events?.off('input', onInput);
    };
  });
}
