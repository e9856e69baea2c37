import { describe, expect, it } from 'vitest';
import { logScaleIfWide, overlayPlot, stretch } from '../../src/tui/plot.js';

describe('plots', () => {
  it('stretches a few points to the plot width by linear interpolation', () => {
    expect(stretch([0, 10], 6)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(stretch([3], 3)).toEqual([3, 3, 3]);
    expect(stretch([], 3)).toEqual([]);
  });

  it('draws curves overlaid, each across the width, or a value a column without stretching', () => {
    const lines = overlayPlot([{ label: 'a', values: [1, 2, 3] }, { label: 'b', values: [3, 1] }], { width: 40, height: 4, format: (y) => y.toFixed(1) });
    expect(lines).toHaveLength(5);
    expect(lines.every((l) => l.length === 40)).toBe(true);
    const short = overlayPlot([{ label: 'a', values: [1, 2, 3] }], { width: 40, height: 4, format: (y) => y.toFixed(1), stretch: false });
    expect(short[0].length).toBe(12 + 3);
  });

  it('takes logarithms when the curves span more than thirtyfold, and labels them as values', () => {
    const narrow = logScaleIfWide([{ label: 'a', values: [1, 20] }], String);
    expect(narrow.log).toBe(false);
    const wide = logScaleIfWide([{ label: 'a', values: [0.1, 10] }, { label: 'b', values: [100] }], (y) => y.toPrecision(2));
    expect(wide.log).toBe(true);
    expect(wide.series.map((s) => s.values)).toEqual([[-1, 1], [2]]);
    expect(wide.format(1)).toBe('10');
  });
});
