/** How a column is aligned: text to the left, numbers to the right. */
export type Align = 'l' | 'r';

/** A plain-text table: columns padded to their widest cell, two spaces apart. */
export function textTable(header: string[], rows: string[][], align: Align[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (align[i] === 'r' ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

/** A Markdown table, numbers right-aligned. */
export function markdownTable(header: string[], rows: string[][], align: Align[]): string {
  return [`| ${header.join(' | ')} |`, `|${align.map((a) => (a === 'r' ? '---:' : '---')).join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n') + '\n';
}

/** A count with thousands separators. */
export const count = (x: number) => x.toLocaleString('en-US');

/** Seconds as milliseconds with three decimals, '-' for null. */
export const millis = (s: number | null) => (s === null ? '-' : (s * 1e3).toFixed(3));
