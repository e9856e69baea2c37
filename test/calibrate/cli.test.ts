import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../session/cli-capture.js';
import { tempDirs } from './helpers.js';

const tmp = tempDirs('gil-top-calib-cli-');
const oneLine = (s: string) => s.trim().split('\n').length === 1;

describe('gil-top calibrate and verify: bad input is one line and exit status 2', () => {
  it('calibrate: an output that is not .json, an unknown base, an option of another command', async () => {
    for (const argv of [
      ['calibrate', '--out', 'profile.txt'],
      ['calibrate', '--base', 'no-such-profile', '--out', join(tmp(), 'p.json')],
      ['calibrate', '--preset', 'py36-threads'],
      ['calibrate', 'extra-argument'],
      ['calibrate', '--out', join(tmp(), 'no-such-folder', 'p.json')],
    ]) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(oneLine(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(/^gil-top: /);
    }
  });

  it('calibrate: an interpreter that is missing or not Python is named, and nothing is written', async () => {
    const dir = tmp();
    const out = join(dir, 'p.json');
    const r = await cli('calibrate', '--python', join(dir, 'python9'), '--python', '/bin/true', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain(`python ${join(dir, 'python9')}: skipped, no such file`);
    expect(r.stdout).toContain('python /bin/true: skipped, not a Python interpreter');
    expect(r.stderr).toBe(`gil-top: --python: none of ${join(dir, 'python9')}, /bin/true is a usable CPython 2.7 or 3.6+\n`);
  });

  it('calibrate: refuses, before measuring anything, to overwrite a file that is not a calibration', async () => {
    const out = join(tmp(), 'mine.json');
    writeFileSync(out, '{"mine": 1}');
    const r = await cli('calibrate', '--python', '/bin/true', '--out', out);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`gil-top: ${out}: already exists and is not a profile gil-top calibrate wrote (use --force to overwrite it)\n`);
    expect(r.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe('{"mine": 1}');
  });

  it('verify: needs a preset and exactly one interpreter that is Python', async () => {
    for (const [argv, message] of [
      [['verify', '--python', '/bin/true'], 'verify needs --preset NAME or --preset FILE'],
      [['verify', '--preset', 'py36-threads'], 'verify needs exactly one --python PATH (got 0)'],
      [['verify', '--preset', 'py36-threads', '--python', 'a', '--python', 'b'], 'verify needs exactly one --python PATH (got 2)'],
      [['verify', '--preset', 'py36-threads', '--python', '/bin/true'], '--python: /bin/true: not a Python interpreter'],
      [['verify', '--preset', 'no-such-preset', '--python', '/bin/true'], 'unknown preset "no-such-preset"'],
      [['verify', '--preset', 'py36-threads', '--python', '/bin/true', '--profile', 'nope'], 'unknown machine profile "nope"'],
    ] as const) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.stderr).toContain(message);
      expect(oneLine(r.stderr)).toBe(true);
    }
  });

  it('lists both commands in --help', async () => {
    const r = await cli('--help');
    expect(r.stdout).toContain('gil-top calibrate [--python PATH]... [--out FILE]');
    expect(r.stdout).toContain('gil-top verify --preset NAME --python PATH');
    expect(r.stdout).toContain('--python VALUE');
  });
});

describe('gil-top calibrate --from-raw', () => {
  const raw = 'docs/measurements/2026-11-27-calibrate-quiet/epyc-vm.raw.json';

  it('fits committed probe output again; the profile names the base it took the unmeasured values from', async () => {
    const out = join(tmp(), 'refit.json');
    const r = await cli('calibrate', '--from-raw', raw, '--base', 'article-vm', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    const profile = JSON.parse(readFileSync(out, 'utf8')) as { description: string };
    // The raw output was calibrated over epyc-vm; this refit took its unmeasured values from article-vm.
    expect(profile.description).toContain('Values no probe measures come from article-vm, each reason saying so.');
  });

  it('a file that is not a calibration\'s raw output is one line and exit status 2', async () => {
    const dir = tmp();
    const partial = join(dir, 'partial.raw.json');
    const full = JSON.parse(readFileSync(raw, 'utf8')) as Record<string, unknown>;
    delete full.date;
    writeFileSync(partial, JSON.stringify(full));
    const r = await cli('calibrate', '--from-raw', partial, '--out', join(dir, 'p.json'));
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^gil-top: .*partial\.raw\.json: date: is missing/);
  });

  it('an interpreter entry that says nothing is one line too, not a TypeError in the fit', async () => {
    const dir = tmp();
    const bad = join(dir, 'bad.raw.json');
    const full = JSON.parse(readFileSync(raw, 'utf8')) as Record<string, unknown>;
    writeFileSync(bad, JSON.stringify({ ...full, interpreters: [{}] }));
    const r = await cli('calibrate', '--from-raw', bad, '--out', join(dir, 'p.json'));
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^gil-top: .*bad\.raw\.json: interpreters\[0\]\.path: is missing/);
  });

  it('a probe run without its parameters is one line too, not a TypeError in the fit', async () => {
    const dir = tmp();
    const bad = join(dir, 'noparams.raw.json');
    const full = JSON.parse(readFileSync(raw, 'utf8')) as { runs: Record<string, unknown>[] };
    const runs = full.runs.map((run, i) => (i === 0 ? { ...run, params: undefined } : run));
    writeFileSync(bad, JSON.stringify({ ...full, runs }));
    const r = await cli('calibrate', '--from-raw', bad, '--out', join(dir, 'p.json'));
    expect(r.code).toBe(2);
    expect(oneLine(r.stderr), r.stderr).toBe(true);
    expect(r.stderr).toMatch(/^gil-top: .*noparams\.raw\.json: runs\[0\]\.params: is missing/);
  });
});
