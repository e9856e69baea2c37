import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordRun, sessionObjects, tempDir, writeSealed, writeSmallPreset } from '../session/fixtures.js';
import { cli } from '../session/cli-capture.js';

describe('gil-top run --record and gil-top replay', () => {
  it('records a headless run, prints the usual summary, and replay --json confirms it exactly', async () => {
    const dir = tempDir();
    const preset = writeSmallPreset(dir);
    const file = join(dir, 'run.jsonl');
    const rec = await cli('run', '--preset', preset, '--record', file, '--json', '--switch-interval', '0.001');
    expect(rec.code).toBe(0);
    const summary = JSON.parse(rec.stdout);
    expect(summary.switchInterval).toBe(0.001);

    const rep = await cli('replay', file, '--json');
    expect(rep.stderr).toBe('');
    expect(rep.code).toBe(0);
    const report = JSON.parse(rep.stdout);
    expect(report).toMatchObject({ file, matches: true, divergence: null, endReason: 'finished', actions: 0, warnings: [] });
    expect(report.samplesChecked).toBe(report.samples);
    expect({ ...report.summary, wallSeconds: 0 }).toEqual({ ...summary, wallSeconds: 0 });
  });

  it('replay without --json prints the verdict and the summary as text', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir));
    const r = await cli('replay', file);
    expect(r.code).toBe(0);
    const [head, verdict] = r.stdout.split('\n');
    expect(head).toBe(`${file}: recorded 2026-01-02T03:04:05.000Z by gil-top 0.1.0, ended: finished; 8 actions, ${readFileSync(file, 'utf8').split('\n').length - 3 - 8} samples`);
    expect(verdict).toMatch(/^replay matches the recording exactly: (\d+) of \1 samples and 8 of 8 actions and the final summary, up to t=0\.\d{6} s, in \d+\.\d{3} s of wall time$/);
    expect(r.stdout).toContain('\nsmall: py3, 3 cores');
  });

  it('a divergence exits with 1 and names the first instant and field', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir));
    const lines = sessionObjects(file);
    lines.find((o) => o.type === 'sample' && o.atNs === 12e6)!.threads[1].cpuNs += 1;
    writeSealed(file, lines);
    const r = await cli('replay', file, '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).divergence).toMatchObject({ atNs: 12e6, field: 'threads[1].cpuNs' });
    expect(r.stderr).toMatch(/^gil-top: replay DIVERGES: sample at 0\.012 s: threads\[1\]\.cpuNs recorded \d+ replayed \d+\n$/);
    const text = await cli('replay', file);
    expect(text.code).toBe(1);
    expect(text.stdout.split('\n')[1]).toMatch(/^replay DIVERGES: sample at 0\.012 s: threads\[1\]\.cpuNs/);
  });

  it('a cut-short file replays up to its last sample with a warning, and does not verify (no end line)', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir));
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.slice(0, Math.floor(text.length / 2)));
    const r = await cli('replay', file, '--json');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /^gil-top: warning: .*: cut short in line \d+; ignoring that partial line\ngil-top: warning: .*: not finalised \(no end line\); loaded up to its last complete sample at 0\.\d{3} s\ngil-top: replay does not verify: the recording has no end line \(it was cut short\); (\d+) of \1 samples/,
    );
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ matches: false, verdict: 'incomplete', endReason: null, endChecked: false });
    expect(report.samplesChecked).toBe(report.samples);
  });

  it('bad files: one line naming the file, the field and the reason, exit 2', async () => {
    const dir = tempDir();
    const notJson = join(dir, 'x.jsonl');
    writeFileSync(notJson, 'not json\n');
    const preset = writeSmallPreset(dir);
    const good = join(dir, 'good.jsonl');
    recordRun(good, preset);
    const newer = join(dir, 'newer.jsonl');
    writeFileSync(newer, readFileSync(good, 'utf8').replace('"version":2', '"version":7'));
    const cases: [string[], string][] = [
      [['replay', notJson], `gil-top: ${notJson}: is not JSON (line 1, column 1: unexpected 'n' where a JSON value should come)\n`],
      [['replay', preset], `gil-top: ${preset}: format: is missing (not a gil-top session file: expected "gil-top-session")\n`],
      [['replay', newer, '--json'], `gil-top: ${newer}: version: 7 is newer than this gil-top reads (2); upgrade gil-top\n`],
      [['replay', join(dir, 'none.jsonl')], `gil-top: ${join(dir, 'none.jsonl')}: cannot be read (no such file)\n`],
      [['replay'], 'gil-top: replay needs a session FILE (recorded with --record)\n'],
    ];
    for (const [argv, stderr] of cases) {
      const r = await cli(...argv);
      expect([r.code, r.stderr, r.stdout]).toEqual([2, stderr, '']);
    }
  });

  it('--record never overwrites an existing file without --force', async () => {
    const dir = tempDir();
    const preset = writeSmallPreset(dir);
    const file = join(dir, 'taken.jsonl');
    writeFileSync(file, 'precious');
    const r = await cli('run', '--preset', preset, '--record', file);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, `gil-top: ${file}: already exists (use --force to overwrite it)\n`, '']);
    expect(readFileSync(file, 'utf8')).toBe('precious');
    const f = await cli('run', '--preset', preset, '--record', file, '--force');
    expect(f.code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8').split('\n')[0]).format).toBe('gil-top-session');
  });
});
