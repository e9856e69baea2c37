import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { loadPreset, loadProfile, profilesDir } from '../../src/config/load.js';
import { didYouMean } from '../../src/config/read-input.js';

const dir = mkdtempSync(join(tmpdir(), 'gil-top-door-'));
const good = JSON.parse(JSON.stringify(loadPreset('py2-threads-2cores'), (k, v) => (k === 'file' || k === 'machine' ? undefined : v)));
const profile = JSON.parse(readFileSync(join(profilesDir, 'article-vm.json'), 'utf8'));
let n = 0;

/** The one line loading `content` (text, or data as JSON) as a preset gives, with the file name as FILE. */
function presetError(content: string | Buffer | object): string {
  const file = join(dir, `p${n++}.json`);
  writeFileSync(file, typeof content === 'string' || Buffer.isBuffer(content) ? content : JSON.stringify(content));
  return errorOf(() => loadPreset(file)).replaceAll(file, 'FILE');
}

function errorOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const m = (e as Error).message;
    expect(m).not.toMatch(/[\n\r\u001b]/);
    expect(m.length).toBeLessThan(1000);
    return m;
  }
  throw new Error('accepted');
}

const deep = (depth: number) => {
  let body: object[] = [{ op: 'loop', kind: 'countdown', iterations: 10 }];
  for (let i = 0; i < depth; i++) body = [{ op: 'repeat', times: 2, body }];
  return { ...good, threads: [{ name: 't1', program: body }] };
};
const withOp = (op: object) => ({ ...good, threads: [{ name: 't1', program: [op] }] });

describe('the one door for presets and profiles', () => {
  it('refuses what is not a regular file, without blocking or filling memory', () => {
    const fifo = join(dir, 'fifo.json');
    execFileSync('mkfifo', [fifo]);
    expect(errorOf(() => loadPreset(fifo))).toBe(`${fifo}: is a FIFO (named pipe), not a regular file`);
    expect(errorOf(() => loadPreset('/dev/zero'))).toBe('/dev/zero: is a character device, not a regular file');
    expect(errorOf(() => loadProfile('/dev/urandom'))).toBe('/dev/urandom: is a character device, not a regular file');
    expect(errorOf(() => loadPreset(`${dir}/`))).toBe(`${dir}: is a folder, not a regular file`);
    expect(errorOf(() => loadPreset(join(dir, 'none.json')))).toBe(`${join(dir, 'none.json')}: cannot be read (no such file)`);
  });

  it('caps the size with a message', () => {
    expect(presetError(' '.repeat(2 << 20) + '{}')).toBe('FILE: is 2.1 MB; a preset may be at most 1.0 MB');
  });

  it('accepts a UTF-8 byte order mark; refuses UTF-16 and binary in one line', () => {
    const file = join(dir, 'bom.json');
    writeFileSync(file, '\uFEFF' + JSON.stringify(good, null, 2));
    expect(loadPreset(file).name).toBe(good.name);
    expect(presetError(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(good), 'utf16le')]))).toBe('FILE: is UTF-16 text; save it as UTF-8');
    expect(presetError(Buffer.from(JSON.stringify(good), 'utf16le'))).toMatch(/^FILE: is not text \(a zero byte at offset 1; UTF-16 or binary\?\)$/);
    expect(presetError(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]))).toBe('FILE: is not UTF-8 text');
  });

  it('says where and why a file is not JSON, in one line, never quoting it', () => {
    const pretty = JSON.stringify(good, null, 2).split('\n');
    pretty.splice(3, 0, '  // a comment');
    expect(presetError(pretty.join('\n'))).toBe('FILE: is not JSON (line 4, column 3: comments are not allowed in JSON)');
    expect(presetError('{\n  "cores": NaN\n}')).toBe('FILE: is not JSON (line 2, column 12: NaN and Infinity are not JSON numbers)');
    expect(presetError('{"a": 1,}')).toBe('FILE: is not JSON (line 1, column 9: a trailing comma is not allowed in JSON)');
    expect(presetError("{'a': 1}")).toBe('FILE: is not JSON (line 1, column 2: strings take double quotes in JSON)');
    expect(presetError('{"a": "x\ny"}')).toBe('FILE: is not JSON (line 1, column 9: a string runs past the end of its line)');
    expect(presetError('{"a": 1} {')).toBe("FILE: is not JSON (line 1, column 10: '{' after the end of the JSON value)");
    expect(presetError('')).toBe('FILE: is empty (not JSON)');
    expect(presetError('{"a": [1, 2')).toBe("FILE: is not JSON (line 1, column 12: the text ends where ',' or ']' should come)");
  });

  it('bounds nesting before validation: 680 nested repeats are one line, not a stack overflow', () => {
    expect(presetError(deep(680))).toMatch(/^FILE: threads\[0\]\.program\[0\](\.body\[0\]){4}\.\.\.: nested more than 64 levels deep$/);
    expect(presetError('['.repeat(100_000) + ']'.repeat(100_000))).toBe('FILE: [0][0][0][0][0][0][0][0][0][0][0][0]...: nested more than 64 levels deep');
    expect(loadPreset(writeTmp(deep(20))).threads).toHaveLength(1);
  });

  it('looks names up without walking prototypes', () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      expect(presetError(withOp({ op: 'loop', kind: name, iterations: 10 }))).toBe('FILE: threads[0].program[0].kind: must be one of: countdown, fib');
      expect(presetError(withOp({ op: name }))).toMatch(/^FILE: threads\[0\]\.program\[0\]\.op: /);
      expect(errorOf(() => loadPreset(name))).toMatch(new RegExp(`^unknown preset "${name}" \\(known: `));
    }
    const p = { ...profile, interpreter: { ...profile.interpreter, nsPerIteration: { ...profile.interpreter.nsPerIteration, ['__proto__']: { py2: { value: 1, why: 'x' } } } } };
    const text = JSON.stringify(p).replace('"nsPerIteration":{', '"nsPerIteration":{"__proto__":{"py2":{"value":1,"why":"x"}},');
    const file = join(dir, 'proto-profile.json');
    writeFileSync(file, text);
    expect(errorOf(() => loadProfile(file))).toBe(`${file}: interpreter.nsPerIteration: a field may not be named "__proto__"`);
  });

  it('checks every number as the command line does', () => {
    expect(presetError(withOp({ op: 'ccall', us: 0.0001 }))).toBe('FILE: threads[0].program[0].us: must be at least 0.001 microseconds (1 ns)');
    expect(presetError({ ...good, threads: [{ name: 't1', program: [{ op: 'repeat', times: 1e300, body: [{ op: 'sleep', us: 1 }] }] }] })).toBe('FILE: threads[0].program[0].times: must be at most 1e12');
    expect(presetError({ ...good, threads: [{ name: 't1', startUs: -1, program: good.threads[0].program }] })).toBe('FILE: threads[0].startUs: must not be negative');
    expect(presetError({ ...good, cores: 1_000_000 })).toBe('FILE: cores: must be at most 256');
    expect(presetError({ ...good, switchInterval: 0 })).toBe('FILE: switchInterval: must be at least 1e-6 s');
    const big = { ...profile, interpreter: { ...profile.interpreter, nsPerIteration: { countdown: { py2: { value: 1e308, why: 'x' } } } } };
    const file = join(dir, 'big-profile.json');
    writeFileSync(file, JSON.stringify(big));
    expect(errorOf(() => loadProfile(file))).toBe(`${file}: interpreter.nsPerIteration.countdown.py2.value: must be at most 1000000 ns`);
    const tick = { ...profile, scheduler: { ...profile.scheduler, tickNs: { value: 1, why: 'x' } } };
    writeFileSync(file, JSON.stringify(tick));
    expect(errorOf(() => loadProfile(file))).toBe(`${file}: scheduler.tickNs.value: must be at least 10000`);
  });

  it('refuses control characters in names and titles; quotes at most about 80 characters of a value', () => {
    expect(presetError({ ...good, title: 'red \u001b[31mtitle' })).toBe('FILE: title: must not contain control characters (newlines, escapes)');
    expect(presetError({ ...good, threads: [{ ...good.threads[0], name: 't\u009b1' }] })).toBe('FILE: threads[0].name: must not contain control characters (newlines, escapes)');
    const long = 'k'.repeat(10_000);
    expect(presetError({ ...good, [long]: 1 })).toBe(`FILE: (top level): unknown field "${'k'.repeat(40)}..."`);
    expect(presetError({ ...good, ['a\u001bb']: 1 })).toBe('FILE: (top level): unknown field "a\\u001bb"');
  });

  it('did you mean: the closest name within a typo or two', () => {
    expect(didYouMean('py36-thread', ['py36-threads', 'py2-threads-2cores'])).toBe('py36-threads');
    expect(didYouMean('rnu', ['run', 'replay'])).toBe('run');
    expect(didYouMean('zzzzzz', ['run', 'replay'])).toBeNull();
    // As close to the one core and the two-core preset: the name it begins wins.
    expect(didYouMean('py2-threads-2core', ['py2-threads-1core', 'py2-threads-2cores'])).toBe('py2-threads-2cores');
  });
});

function writeTmp(data: object): string {
  const file = join(dir, `t${n++}.json`);
  writeFileSync(file, JSON.stringify(data));
  return file;
}
