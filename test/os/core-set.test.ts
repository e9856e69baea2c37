import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreSet } from '../../src/os/core-set.js';

describe('CoreSet', () => {
  it('answers as a set of numbers scanned for its lowest member, over random adds and deletes up to 300 cores', () => {
    const op = fc.record({ add: fc.boolean(), id: fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 299 })) });
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
        const s = new CoreSet();
        const model = new Set<number>();
        for (const o of ops) {
          if (o.add) {
            s.add(o.id);
            model.add(o.id);
          } else {
            s.delete(o.id);
            model.delete(o.id);
          }
          expect(s.size).toBe(model.size);
          expect(s.lowest()).toBe(model.size === 0 ? -1 : Math.min(...model));
          expect(s.has(o.id)).toBe(model.has(o.id));
        }
        for (let id = 0; id < 300; id++) expect(s.has(id)).toBe(model.has(id));
      }),
    );
  });

  it('finds cores 31, 32 and 255 at word edges', () => {
    const s = new CoreSet();
    for (const id of [255, 32, 31]) {
      s.add(id);
      expect(s.lowest()).toBe(id);
    }
    s.delete(31);
    expect(s.lowest()).toBe(32);
    s.delete(32);
    expect(s.lowest()).toBe(255);
  });
});
