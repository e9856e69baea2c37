import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { cli } from '../session/cli-capture.js';
import { recordRun, tempDir, writeSmallPreset } from '../session/fixtures.js';

function recorded() {
  const dir = tempDir();
  const file = join(dir, 's.jsonl');
  recordRun(file, writeSmallPreset(dir));
  return { dir, file };
}

describe('gil-top export --svg, --from, --to', () => {
  it('writes a figure a browser opens, and refuses to overwrite it without --force', async () => {
    const { dir, file } = recorded();
    const out = join(dir, 'fig.svg');
    const r = await cli('export', file, '--svg', out, '--from', '0.04', '--to', '0.085');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(new RegExp(`^gil-top: wrote ${out} \\(0\\.040000 s to 0\\.085000 s simulated, \\d+ kB\\); open it in a browser\\n$`));
    const svg = readFileSync(out, 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    const again = await cli('export', file, '--svg', out);
    expect([again.code, again.stderr]).toEqual([2, `gil-top: ${out}: already exists (use --force to overwrite it)\n`]);
    expect((await cli('export', file, '--svg', out, '--force')).code).toBe(0);
  });

  it('bounds the Perfetto export too: every slice, instant and counter lies in the stretch', async () => {
    const { dir, file } = recorded();
    const whole = join(dir, 'all.json');
    const part = join(dir, 'part.json');
    expect((await cli('export', file, '--perfetto', whole)).code).toBe(0);
    expect((await cli('export', file, '--perfetto', part, '--from', '0.04', '--to', '0.085')).code).toBe(0);
    const all = JSON.parse(readFileSync(whole, 'utf8')).traceEvents as { ph: string; ts: number; dur?: number }[];
    const some = JSON.parse(readFileSync(part, 'utf8')).traceEvents as { ph: string; ts: number; dur?: number }[];
    const timed = some.filter((e) => e.ph !== 'M');
    expect(timed.length).toBeGreaterThan(10);
    expect(timed.length).toBeLessThan(all.filter((e) => e.ph !== 'M').length);
    for (const e of timed) {
      expect(e.ts).toBeGreaterThanOrEqual(40_000 - 1e-6);
      expect(e.ts + (e.dur ?? 0)).toBeLessThanOrEqual(85_000 + 1e-6);
    }
    // Slices that cross an end are cut there.
    expect(timed.some((e) => e.ph === 'X' && Math.abs(e.ts - 40_000) < 1e-6)).toBe(true);
  });

  it('both at once; bad ranges and a missing format get one line and exit 2, writing nothing', async () => {
    const { dir, file } = recorded();
    const svg = join(dir, 'b.svg');
    const json = join(dir, 'b.json');
    expect((await cli('export', file, '--svg', svg, '--perfetto', json)).code).toBe(0);
    expect(existsSync(svg) && existsSync(json)).toBe(true);
    const out = join(dir, 'never.svg');
    const cases: [string[], string][] = [
      [['export', file], 'gil-top: export needs --perfetto OUT.json or --svg OUT.svg (or both)\n'],
      [['export', file, '--svg', out, '--from', '0.5', '--to', '0.1'], 'gil-top: --from 0.5 must come before --to 0.1\n'],
      [['export', file, '--svg', out, '--from', '99'], /^gil-top: --from 99: the recording ends at 0\.\d{6} s\n$/ as unknown as string],
      [['export', file, '--svg', out, '--to', 'soon'], /^gil-top: --to: .*not a number/ as unknown as string],
    ];
    for (const [argv, stderr] of cases) {
      const r = await cli(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      if (typeof stderr === 'string') expect(r.stderr).toBe(stderr);
      else expect(r.stderr).toMatch(stderr);
    }
    expect(existsSync(out)).toBe(false);
  });
});
