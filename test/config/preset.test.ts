import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { listPresets, loadPreset } from '../../src/config/load.js';

const dir = mkdtempSync(join(tmpdir(), 'gil-top-preset-'));
const good = JSON.parse(JSON.stringify(loadPreset('py2-threads-2cores'), (k, v) => (k === 'file' || k === 'machine' ? undefined : v)));

function errorFor(data: unknown, name = 'p.json'): string {
  const file = join(dir, name);
  writeFileSync(file, typeof data === 'string' ? data : JSON.stringify(data));
  try {
    loadPreset(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m.replace(file, 'FILE');
  }
  throw new Error('the preset was accepted');
}

describe('presets', () => {
  it('every shipped preset loads, says what to look for and names its source', () => {
    const all = listPresets();
    expect(all.length).toBeGreaterThanOrEqual(11);
    for (const p of all) {
      expect(p.description.length).toBeGreaterThan(40);
      expect(p.source).toBeTruthy();
    }
  });

  it('rejects bad presets with one line naming the file, the field and the reason', () => {
    expect(errorFor('{ nope')).toMatch(/^FILE: is not JSON/);
    expect(errorFor({ ...good, cores: 0 })).toBe('FILE: cores: must be at least 1');
    expect(errorFor({ ...good, cores: 2.5 })).toBe('FILE: cores: must be a whole number');
    expect(errorFor({ ...good, colour: 'red' })).toBe('FILE: (top level): unknown field "colour"');
    expect(errorFor({ ...good, policy: 'py4' })).toMatch(/^FILE: policy: /);
    const { title: _t, ...noTitle } = good;
    expect(errorFor(noTitle)).toBe('FILE: title: is missing');
    const badLoop = { ...good, threads: [{ name: 't1', program: [{ op: 'loop', kind: 'countdown', iterations: -5 }] }] };
    expect(errorFor(badLoop)).toBe('FILE: threads[0].program[0].iterations: must be positive');
    const badKind = { ...good, threads: [{ name: 't1', program: [{ op: 'loop', kind: 'while', iterations: 5 }] }] };
    expect(errorFor(badKind)).toBe('FILE: threads[0].program[0].kind: must be one of: countdown, fib');
    const dup = { ...good, threads: [good.threads[0], good.threads[0]] };
    expect(errorFor(dup)).toBe('FILE: threads[1].name: "t1" is used twice');
    const spin = { ...good, threads: [{ name: 't1', program: [{ op: 'repeat', times: 'forever', body: [{ op: 'request', body: [{ op: 'repeat', times: 0, body: [{ op: 'sleep', us: 1 }] }] }] }] }] };
    expect(errorFor(spin)).toBe('FILE: threads[0].program[0].body: must contain something that takes time');
    const lonely = { ...good, threads: [{ name: 't1', program: [{ op: 'accept', socket: 's' }] }] };
    expect(errorFor(lonely)).toBe('FILE: threads: socket "s" needs exactly one accept and one connect (has 1 and 0)');
    expect(errorFor({ ...good, profile: 'no-such-machine' })).toMatch(/^FILE: profile: unknown machine profile "no-such-machine"/);
  });

  it('names an unknown preset and lists the known ones', () => {
    expect(() => loadPreset('nope')).toThrow(/^unknown preset "nope" \(known: .*py2-threads-2cores/);
  });
});
