import { useCallback, useEffect, useMemo, useState } from 'react';
import { Dashboard } from './components/dashboard.js';
import type { DashboardController } from './controller.js';
import { useFrameLoop } from './hooks/use-frame-loop.js';
import { useKeys } from './hooks/use-keys.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

/**
 * Wall time between frames, ms: 32 a second, so that timer jitter still leaves 30. The app's
 * frame loop is the one pacer: Ink's own throttle is turned off (`inkRenderOptions`), because
 * two 30 fps clocks beat against each other (Ink merged every other commit into the next one,
 * so the dashboard drew 15 frames a second while React and Yoga did the work of 30).
 */
export const FRAME_MS = 1000 / 32;

/** Ink's render options for the dashboard: no throttle of its own (see FRAME_MS). */
export const inkRenderOptions = { maxFps: 0 } as const;

/** Props of the dashboard app. */
export interface AppProps {
  controller: DashboardController;
  /** Fixed terminal size (tests); default: the real terminal's, following resizes. */
  width?: number;
  height?: number;
  /** Wall time between frames, ms (default FRAME_MS). */
  frameMs?: number;
}

/** The dashboard: a frame loop, the keys, and the panels drawn from the view model. */
export function App({ controller, width, height, frameMs = FRAME_MS }: AppProps) {
  const size = useTerminalSize(width, height);
  const [tick, setTick] = useState(0);
  const redraw = useCallback(() => setTick((t) => t + 1), []);
  // Frames from the engine's worker arrive on their own and are drawn as they come; frames that
  // arrive together (a key's and the pacer's) are drawn once, the latest.
  useEffect(() => {
    let due: NodeJS.Immediate | null = null;
    controller.onChange = () => {
      due ??= setImmediate(() => {
        due = null;
        redraw();
      });
    };
    return () => {
      controller.onChange = () => {};
      if (due !== null) clearImmediate(due);
    };
  }, [controller, redraw]);
  useFrameLoop(controller, frameMs, redraw);
  useKeys(controller, redraw);
  // One line is kept free: a frame as tall as the terminal would scroll it.
  const vm = useMemo(() => controller.view(size.width, size.height - 1), [controller, tick, size.width, size.height]);
  return <Dashboard vm={vm} />;
}
