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
  // Ink's own stream of input, one piece per read (with escape sequences split off).
  const { internal_eventEmitter: events } = useStdin() as ReturnType<typeof useStdin> & { internal_eventEmitter?: NodeJS.EventEmitter };
  useInput((input, key) => {
    // Keys typed faster than a read arrive together ("---", "k" and Enter): each counts. Ink
    // hands such a run over in one piece, so each character goes through Ink's own parsing again,
    // one at a time: an Enter, a Tab or a Backspace among them reads as one.
    if (!key.ctrl && !key.meta && input.length > 1) {
      if (events === undefined) {
        press([...input].map((ch) => ({ input: ch })));
        return;
      }
      for (const ch of input) {
        if (controller.quitRequested) break;
        events.emit('input', ch);
      }
      return;
    }
    press([{ input, ctrl: key.ctrl, escape: key.escape, return: key.return, upArrow: key.upArrow, downArrow: key.downArrow, pageUp: key.pageUp, pageDown: key.pageDown }]);
  });
  // Ink reports F1 and F10 with no name (an empty input), so they are read from the raw input.
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
