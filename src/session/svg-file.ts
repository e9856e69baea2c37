import { closeSync, writeSync } from 'node:fs';
import { OutputError } from '../config/input-error.js';
import { ioReason } from '../config/read-input.js';
import { openOutputFile } from './output-file.js';
import type { SessionFile } from './session-file.js';
import { sessionSvg, type SvgFigure, type SvgRange } from './svg-export.js';
import type { WallBudget } from './wall-budget.js';

/**
 * Draws `session` over `range` and writes the SVG to `out` (a new file, or with `force` a
 * regular file that is not the session itself). Returns the figure and its size in bytes.
 */
export function writeSvg(session: SessionFile, out: string, force: boolean, range: SvgRange = {}, budget?: WallBudget): SvgFigure & { bytes: number } {
  const fig = sessionSvg(session, range, budget);
  const buf = Buffer.from(fig.svg, 'utf8');
  const fd = openOutputFile(out, force, [session.file]);
  try {
    let off = 0;
    while (off < buf.length) off += writeSync(fd, buf, off);
  } catch (e) {
    throw new OutputError(`${out}: cannot be written (${ioReason(e)})`);
  } finally {
    closeSync(fd);
  }
  return { ...fig, bytes: buf.length };
}
