import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordRun, tempDir, writeSmallPreset } from '../session/fixtures.js';
import { cli } from '../session/cli-capture.js';

describe('gil-top export --perfetto', () => {
  it('writes a trace that parses as JSON, and refuses to overwrite it without --force', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir));
    const out = join(dir, 'trace.json');
    const r = await cli('export', file, '--perfetto', out);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(new RegExp(`^gil-top: wrote ${out} \\(\\d+ events, \\d+\\.\\d MB\\); open it at https://ui.perfetto.dev or chrome://tracing\\n$`));
    const trace = JSON.parse(readFileSync(out, 'utf8'));
    expect(trace.displayTimeUnit).toBe('ns');
    expect(trace.traceEvents.length).toBeGreaterThan(100);

    const again = await cli('export', file, '--perfetto', out);
    expect([again.code, again.stderr]).toEqual([2, `gil-top: ${out}: already exists (use --force to overwrite it)\n`]);
    expect((await cli('export', file, '--perfetto', out, '--force')).code).toBe(0);
  });

  it('bad input exits with 2 and writes nothing', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, '{"format":"gil-top-session","version":1}\n');
    const out = join(dir, 'out.json');
    const cases: [string[], string][] = [
      [['export', bad, '--perfetto', out], `gil-top: ${bad}: line 1: gilTop: is missing\n`],
      [['export', bad], 'gil-top: export needs --perfetto OUT.json or --svg OUT.svg (or both)\n'],
      [['export', '--perfetto', out], 'gil-top: export needs a session FILE (recorded with --record)\n'],
    ];
    for (const [argv, stderr] of cases) {
      const r = await cli(...argv);
      expect([r.code, r.stderr]).toEqual([2, stderr]);
    }
    expect(existsSync(out)).toBe(false);
  });
});
