import { describe, expect, it } from 'vitest';
import { leastSquares, median, min, quantile } from '../../src/calibrate/stats.js';
import { parsePerfCsv } from '../../src/calibrate/perf-csv.js';
import { recordsOf } from '../../src/calibrate/raw.js';

describe('calibration statistics', () => {
  it('takes order statistics', () => {
    expect(min([3, 1, 2])).toBe(1);
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(quantile([10, 20, 30, 40, 50], 0.25)).toBe(20);
  });

  it('fits a line by least squares, exactly on a line and with r² below 1 off it', () => {
    const exact = leastSquares([1, 2, 4], [5, 8, 14]);
    expect(exact.slope).toBeCloseTo(3, 12);
    expect(exact.intercept).toBeCloseTo(2, 12);
    expect(exact.r2).toBeCloseTo(1, 12);
    const noisy = leastSquares([0, 1, 2, 3], [0, 1.2, 1.8, 3.1]);
    expect(noisy.slope).toBeCloseTo(0.99, 10);
    expect(noisy.r2).toBeLessThan(1);
    expect(() => leastSquares([1, 1], [2, 3])).toThrow();
  });
});

describe('probe output', () => {
  it('keeps the JSON records and skips other lines and a line cut short by a timeout', () => {
    const recs = recordsOf({ stdout: 'warming up\n{"probe": "loops", "name": "fib", "x": 1}\n{"no": "probe"}\n{"probe": "loops", "name": "countdown", "iter' });
    expect(recs).toEqual([{ probe: 'loops', name: 'fib', x: 1 }]);
  });

  it('reads perf stat -x, output, leaving out what perf could not count', () => {
    const csv = '# started on Fri Nov 27 00:52:33 2026\n\n101,,context-switches,81236957,100.00,,\n<not supported>,,syscalls:sys_enter_futex,0,100.00,,\n';
    expect(parsePerfCsv(csv)).toEqual({ 'context-switches': 101 });
    expect(parsePerfCsv('2500,,syscalls:sys_enter_futex,1,100.00,,')).toEqual({ 'syscalls:sys_enter_futex': 2500 });
  });
});
