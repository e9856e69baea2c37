import { useEffect } from 'react';
import type { DashboardController } from '../controller.js';

/**
 * The frame loop, the dashboard's one pacer: every `frameMs` the engine is asked for a frame.
 * An engine in this thread runs one slice of wall time (a few ms) and the screen redraws at
 * once if anything changed; the engine's worker answers with a frame a moment later, which
 * the app draws as it arrives (or says nothing changed, and nothing is drawn).
 */
export function useFrameLoop(controller: DashboardController, frameMs: number, redraw: () => void): void {
  useEffect(() => {
    let timer: NodeJS.Timeout | undefined;
    let stopped = false;
    let due = performance.now() + frameMs;
    const frame = () => {
      if (stopped) return;
      // Paused or finished, nothing moves: no need to lay the same frame out again.
      if (controller.tick()) redraw();
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
