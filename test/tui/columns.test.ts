import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { fromColumns, toColumns } from '../../src/tui/columns.js';
import { EngineSession } from '../../src/tui/engine-session.js';
import { fromWire, toWire } from '../../src/tui/worker-link.js';

describe('records as columns', () => {
  it('come back equal, field order included, whatever the values', () => {
    const value = fc.oneof(fc.double(), fc.integer(), fc.string(), fc.constant(null), fc.boolean());
    fc.assert(
      fc.property(fc.array(fc.tuple(value, value, value), { maxLength: 30, size: 'max' }), (rows) => {
        const recs = rows.map(([a, b, c]) => ({ a, b, c }));
        const back = fromColumns<object>(structuredClone(toColumns(recs)));
        expect(back).toEqual(recs);
        for (const r of back) expect(Object.keys(r)).toEqual(['a', 'b', 'c']);
      }),
    );
  });

  it('carry a frame across a thread boundary unchanged (threads, cores, clients with nulls)', () => {
    for (const name of ['echo-fib-py3', 'py2-threads-2cores']) {
      const s = new EngineSession({ preset: loadPreset(name), startPaused: true });
      s.command({ type: 'key', action: 'stepMillisecond' });
      const f = s.frame();
      const { frame, transfer } = toWire(f);
      const back = fromWire(structuredClone(frame, { transfer }));
      expect(back.snap).toEqual(f.snap);
      expect(JSON.stringify(back.snap)).toBe(JSON.stringify(f.snap));
    }
  });
});
