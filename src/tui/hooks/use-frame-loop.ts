import { useEffect } from 'react';
import type { DashboardController } from '../controller.js';

/**
 * The frame loop: every `frameMs`, the engine gets one slice of wall time (a few ms), then the
 * screen is asked to redraw. The timer is re-armed after the slice, so input and drawing always
 * get the rest of the frame.
 */
export function useFrameLoop(controller: DashboardController, frameMs: number, redraw: () => void): void {
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    const frame = () => {
      if (stopped) return;
      const start = performance.now();
      controller.slice();
      redraw();
      timer = setTimeout(frame, Math.max(1, frameMs - (performance.now() - start)));
    };
    timer = setTimeout(frame, frameMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [controller, frameMs, redraw]);
}
