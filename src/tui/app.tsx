import { useCallback, useMemo, useState } from 'react';
import { Dashboard } from './components/dashboard.js';
import type { DashboardController } from './controller.js';
import { useFrameLoop } from './hooks/use-frame-loop.js';
import { useKeys } from './hooks/use-keys.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';

/** Props of the dashboard app. */
export interface AppProps {
  controller: DashboardController;
  /** Fixed terminal size (tests); default: the real terminal's, following resizes. */
  width?: number;
  height?: number;
  /** Wall time between frames, ms (30 frames a second at most). */
  frameMs?: number;
}

/** The dashboard: a frame loop, the keys, and the panels drawn from the view model. */
export function App({ controller, width, height, frameMs = 34 }: AppProps) {
  const size = useTerminalSize(width, height);
  const [tick, setTick] = useState(0);
  const redraw = useCallback(() => setTick((t) => t + 1), []);
  useFrameLoop(controller, frameMs, redraw);
  useKeys(controller, redraw);
  // One line is kept free: a frame as tall as the terminal would scroll it.
  const vm = useMemo(() => controller.view(size.width, size.height - 1), [controller, tick, size.width, size.height]);
  return <Dashboard vm={vm} />;
}
