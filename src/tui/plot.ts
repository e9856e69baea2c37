import asciichart from 'asciichart';

/** A curve to draw: its name (for the legend) and its values, evenly spaced along x. */
export interface PlotSeries {
  label: string;
  values: number[];
  /** Its colour, an index into `plotColors` (default: its place in the list). */
  color?: number;
}

/** Colours of the curves in order, as asciichart's escape codes and as Ink colour names. */
export const plotColors = [asciichart.blue, asciichart.red, asciichart.green, asciichart.magenta, asciichart.yellow, asciichart.cyan, asciichart.lightgray];
export const plotColorNames = ['blue', 'red', 'green', 'magenta', 'yellow', 'cyan', 'gray'];

/** Width of asciichart's y labels and axis, with our `format` padded to 10 characters. */
const axisWidth = 12;

/**
 * Curves overlaid in one asciichart plot `width` columns wide and `height` rows tall (plus one).
 * With `stretch` (the default) each curve is stretched to the plot's width by linear
 * interpolation between its points, so that curves of a few points share the x axis from end to
 * end; without it each value is one column (a shorter curve ends early). Non-finite values are
 * dropped. `color` adds the terminal colour codes of `plotColors`.
 */
export function overlayPlot(series: PlotSeries[], o: { width: number; height: number; format: (y: number) => string; color?: boolean; stretch?: boolean }): string[] {
  const cols = Math.max(2, o.width - axisWidth);
  const drawn = series
    .map((s, i) => {
      const finite = s.values.filter(Number.isFinite);
      return { values: o.stretch === false ? finite.slice(0, cols) : stretch(finite, cols), color: plotColors[(s.color ?? i) % plotColors.length] };
    })
    .filter((s) => s.values.length > 0);
  if (drawn.length === 0) return [];
  const cfg = { height: Math.max(1, o.height), format: (y: number) => o.format(y).padStart(axisWidth - 2), ...(o.color ? { colors: drawn.map((s) => s.color) } : {}) };
  return asciichart.plot(drawn.map((s) => s.values), cfg).split('\n');
}

/** `values` resampled to `n` evenly spaced points (linear interpolation). */
export function stretch(values: number[], n: number): number[] {
  if (values.length <= 1) return values.length === 0 ? [] : new Array(n).fill(values[0]);
  return Array.from({ length: n }, (_, j) => {
    const x = (j * (values.length - 1)) / (n - 1);
    const i = Math.min(values.length - 2, Math.floor(x));
    return values[i] + (values[i + 1] - values[i]) * (x - i);
  });
}

/**
 * Curves that span more than `ratio` between their smallest and largest positive values, as
 * their logarithms (so that a curve a hundred times lower is not flattened onto the axis), with
 * the y-label format that shows them as values again.
 */
export function logScaleIfWide(series: PlotSeries[], format: (y: number) => string, ratio = 30): { series: PlotSeries[]; format: (y: number) => string; log: boolean } {
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && v > 0);
  if (all.length === 0 || Math.max(...all) / Math.min(...all) <= ratio) return { series, format, log: false };
  const floor = Math.min(...all);
  return {
    series: series.map((s) => ({ ...s, values: s.values.map((v) => Math.log10(Math.max(v, floor))) })),
    format: (y) => format(10 ** y),
    log: true,
  };
}
