/** Fixed-width number formats, so that columns do not jitter as values change. */

/** Simulated time in seconds with microseconds: `    1.234567 s`. */
export function fmtSimTime(ns: number, width = 11): string {
  return `${(ns / 1e9).toFixed(6).padStart(width)} s`;
}

/** A duration picked in a readable unit, fixed to 9 characters: `  5.000 ms`. */
export function fmtDuration(ns: number): string {
  const a = Math.abs(ns);
  if (a >= 1e9) return `${(ns / 1e9).toFixed(3).padStart(6)} s `;
  if (a >= 1e6) return `${(ns / 1e6).toFixed(3).padStart(6)} ms`;
  if (a >= 1e3) return `${(ns / 1e3).toFixed(3).padStart(6)} µs`;
  return `${ns.toFixed(0).padStart(6)} ns`;
}

/** A short duration label without padding: `20 ms`, `500 µs`, `1 s`. */
export function fmtSpan(ns: number): string {
  if (ns >= 1e9) return `${+(ns / 1e9).toFixed(3)} s`;
  if (ns >= 1e6) return `${+(ns / 1e6).toFixed(3)} ms`;
  if (ns >= 1e3) return `${+(ns / 1e3).toFixed(3)} µs`;
  return `${ns} ns`;
}

/** Speed as simulated time per wall second: `0.1x`, `max`. */
export function fmtSpeed(speed: number, flatOut: number): string {
  if (speed >= flatOut) return 'max';
  return `${+speed.toPrecision(3)}x`;
}

/** A count with thousands separators, right-aligned to `width`. */
export function fmtCount(n: number, width = 0): string {
  return Math.round(n).toLocaleString('en-US').padStart(width);
}

/** A share 0..1 as a percentage, always 6 characters: ` 63.2%`. */
export function fmtPct(f: number): string {
  const v = Number.isFinite(f) ? Math.max(0, Math.min(1, f)) * 100 : 0;
  return `${v.toFixed(1).padStart(5)}%`;
}

/** Cuts `s` to `width` characters, marking the cut with an ellipsis. */
export function clip(s: string, width: number): string {
  if (width <= 0) return '';
  return s.length <= width ? s : width === 1 ? '…' : s.slice(0, width - 1) + '…';
}

/** Pads or cuts `s` to exactly `width` characters. */
export function fit(s: string, width: number): string {
  return clip(s, width).padEnd(width);
}

/** Wraps text at spaces into at most `maxLines` lines of `width` (the last one clipped). */
export function wrap(text: string, width: number, maxLines: number): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  for (const w of words) {
    if (line === '') line = w;
    else if (line.length + 1 + w.length <= width) line += ' ' + w;
    else {
      lines.push(line);
      line = w;
    }
  }
  if (line !== '') lines.push(line);
  if (lines.length > maxLines) {
    const kept = lines.slice(0, maxLines);
    kept[maxLines - 1] = clip(lines.slice(maxLines - 1).join(' '), width);
    return kept.map((l) => clip(l, width));
  }
  return lines.map((l) => clip(l, width));
}
