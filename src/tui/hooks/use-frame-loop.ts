import { useEffect } from 'react';
import type { DashboardController } from '../controller.js';

/**
 * The frame loop: every `frameMs`, the engine gets one slice of wall time (a few ms), then the
 * screen is asked to redraw if the run moved. The timer is re-armed after the slice, so input and drawing always
 * get the rest of the frame.
 */
export function useFrameLoop(controller: DashboardController, frameMs: number, redraw: () => void): void {
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let due = performance.now() + frameMs;
    const frame = () => {
      if (stopped) return;
      // Paused or finished, nothing moves: no need to lay the same frame out again.
      if (controller.slice()) redraw();
      // Frames are due every frameMs from the last due time (drawing happens after this
      // callback, so measuring from its end would stretch every frame by the drawing time).
      const now = performance.now();
      due = Math.max(due + frameMs, now + 1);
      timer = setTimeout(frame, due - now);
    };
    timer = setTimeout(frame, frameMs);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [controller, frameMs, redraw]);
}
