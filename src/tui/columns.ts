/**
 * Records of one shape (a snapshot's threads and cores) as columns, for the trip from the
 * engine's worker to the screen: a number field becomes one Float64Array (transferred, not
 * copied field by field), any other field one plain array. Copying a thousand thread objects
 * property by property cost milliseconds a frame on each side; a dozen columns cost a fraction.
 * Whatever fields the model's records carry come through, in their order.
 */
export interface Columns {
  length: number;
  keys: string[];
  /** One column per key: Float64Array when every value of the field is a number. */
  cols: (Float64Array | unknown[])[];
}

/** The records as columns (every record has the first one's fields). */
export function toColumns(rows: readonly object[]): Columns {
  const n = rows.length;
  const recs = rows as readonly Record<string, unknown>[];
  const keys = n === 0 ? [] : Object.keys(recs[0]);
  const cols = keys.map((k) => {
    const nums = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = recs[i][k];
      if (typeof v !== 'number') return recs.map((r) => r[k]);
      nums[i] = v;
    }
    return nums;
  });
  return { length: n, keys, cols };
}

/** The records back from their columns. */
export function fromColumns<T>(c: Columns): T[] {
  const out: T[] = new Array(c.length);
  const { keys, cols } = c;
  for (let i = 0; i < c.length; i++) {
    const o: Record<string, unknown> = {};
    for (let k = 0; k < keys.length; k++) o[keys[k]] = cols[k][i];
    out[i] = o as T;
  }
  return out;
}

/** The buffers of a Columns' number columns (to transfer them). */
export function columnBuffers(c: Columns): ArrayBuffer[] {
  return c.cols.filter((x): x is Float64Array => x instanceof Float64Array).map((x) => x.buffer as ArrayBuffer);
}
