/** Small statistics for probe samples: order statistics and a least-squares line. */

/** The smallest value. */
export function min(xs: readonly number[]): number {
  if (xs.length === 0) throw new Error('min of no samples');
  let m = xs[0];
  for (const x of xs) if (x < m) m = x;
  return m;
}

/** The q-quantile (0..1) by linear interpolation between order statistics; 0.5 is the median. */
export function quantile(xs: readonly number[], q: number): number {
  if (xs.length === 0) throw new Error('quantile of no samples');
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}

/** The median. */
export const median = (xs: readonly number[]): number => quantile(xs, 0.5);

/** y = slope * x + intercept fitted by least squares, with r² (1 for a perfect line). */
export function leastSquares(xs: readonly number[], ys: readonly number[]): { slope: number; intercept: number; r2: number } {
  const n = xs.length;
  if (n < 2 || ys.length !== n) throw new Error('a line needs at least two points');
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
    syy += (ys[i] - my) ** 2;
  }
  if (sxx === 0) throw new Error('a line needs two different x values');
  const slope = sxy / sxx;
  return { slope, intercept: my - slope * mx, r2: syy === 0 ? 1 : (sxy * sxy) / (sxx * syy) };
}

/** A number for a reason string: 3 significant figures, thousands separated (12,300 or 0.0412). */
export function fmt(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  const a = Math.abs(x);
  if (a >= 1000) return Math.round(x).toLocaleString('en-US');
  return Number(x.toPrecision(3)).toString();
}
