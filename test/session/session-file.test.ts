import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { readSessionFile } from '../../src/session/session-file.js';
import { recordRun, tempDir, writeSmallPreset } from './fixtures.js';

let dir: string;
let good: string[];

beforeAll(() => {
  dir = tempDir();
  const file = join(dir, 'good.jsonl');
  recordRun(file, writeSmallPreset(dir));
  good = readFileSync(file, 'utf8').split('\n');
});

/** Writes the good session with line `n` (1-based) edited, and returns the error reading it gives. */
function errorWith(name: string, n: number, edit: (o: any) => void): string {
  const lines = [...good];
  const o = JSON.parse(lines[n - 1]);
  edit(o);
  lines[n - 1] = JSON.stringify(o);
  return errorOf(name, lines.join('\n'));
}

function errorOf(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  try {
    readSessionFile(file);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const message = (e as Error).message;
    expect(message).not.toContain('\n');
    expect(message.startsWith(`${file}: `)).toBe(true);
    return message.slice(file.length + 2);
  }
  throw new Error('expected an error');
}

const sampleLine = () => good.findIndex((l) => l.includes('"type":"sample"')) + 1;

describe('session file: bad input is one line naming the file, the field and the reason', () => {
  it('a file that is not JSON, or is empty, or missing', () => {
    expect(errorOf('a.jsonl', 'hello')).toBe("is not JSON (line 1, column 1: unexpected 'h' where a JSON value should come)");
    expect(errorOf('b.jsonl', '')).toBe('is empty (not a gil-top session)');
    expect(() => readSessionFile(join(dir, 'none.jsonl'))).toThrow(new InputError(`${join(dir, 'none.jsonl')}: cannot be read (no such file)`));
  });

  it('another format: a preset, a JSON array, another tool\'s file', () => {
    const preset = readFileSync(join(dir, 'small.json'), 'utf8');
    expect(errorOf('p.json', preset)).toBe('format: is missing (not a gil-top session file: expected "gil-top-session")');
    expect(errorOf('arr.json', '[1,2]\n')).toBe('(top level): is not a gil-top session (expected an object with "format": "gil-top-session")');
    expect(errorWith('other.jsonl', 1, (o) => (o.format = 'perf-data'))).toBe('format: is "perf-data" (not a gil-top session file: expected "gil-top-session")');
  });

  it('a newer version', () => {
    expect(errorWith('v7.jsonl', 1, (o) => (o.version = 7))).toBe('version: 7 is newer than this gil-top reads (2); upgrade gil-top');
  });

  it('a missing or mistyped field, in the header or in a later line', () => {
    expect(errorWith('h1.jsonl', 1, (o) => delete o.config.seed)).toBe('line 1: config.seed: is missing');
    expect(errorWith('h2.jsonl', 1, (o) => (o.config.sampleEveryNs = 'often'))).toBe('line 1: config.sampleEveryNs: Invalid input: expected number, received string');
    expect(errorWith('h3.jsonl', 1, (o) => delete o.config.profile.scheduler.tickNs)).toBe('line 1: config.profile.scheduler.tickNs: is missing');
    expect(errorWith('h4.jsonl', 1, (o) => (o.config.preset.cores = 0))).toBe('line 1: config.preset: cores: must be at least 1');
    const n = sampleLine();
    expect(errorWith('s1.jsonl', n, (o) => delete o.counters.syscalls.futex_wake)).toBe(`line ${n}: counters.syscalls.futex_wake: is missing`);
    expect(errorWith('s2.jsonl', n, (o) => (o.threads[1].view = 'dancing'))).toMatch(new RegExp(`^line ${n}: threads\\[1\\]\\.view: Invalid option: expected one of "run"\\|`));
    expect(errorWith('s3.jsonl', n, (o) => (o.type = 'snapshot'))).toBe(`line ${n}: type: "snapshot" is not a line of a session (action, sample, delta, end)`);
    expect(errorWith('s4.jsonl', n, (o) => (o.extra = 1))).toBe(`line ${n}: (top level): unknown field "extra"`);
    const a = good.findIndex((l) => l.includes('"type":"action"')) + 1;
    expect(errorWith('a1.jsonl', a, (o) => (o.action = { type: 'policy', policy: 'py4' }))).toMatch(new RegExp(`^line ${a}: action\\.policy: Invalid option`));
  });

  it('a line in the middle that is not JSON is an error, not a cut', () => {
    const lines = [...good];
    lines[4] = lines[4].slice(0, 30);
    expect(errorOf('mid.jsonl', lines.join('\n'))).toMatch(/^is not JSON \(line 5, column 31: /);
  });

  it('lines after the end line', () => {
    const lines = [...good];
    lines.splice(lines.length - 1, 0, lines[sampleLine() - 1]);
    expect(errorOf('after.jsonl', lines.join('\n'))).toBe(`line ${lines.length - 1}: comes after the end line`);
  });

  it('a file cut inside its header line is still a cut, with a warning', () => {
    const file = join(dir, 'cut-header.jsonl');
    writeFileSync(file, good[0] + '\n');
    const s = readSessionFile(file);
    expect(s.samples).toEqual([]);
    expect(s.warnings).toEqual([`${file}: not finalised (no end line); loaded up to its start`]);
  });
});
