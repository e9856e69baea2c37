import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from '../session/cli-capture.js';

describe('gil-top reproduce', () => {
  it('runs the presets on worker threads and prints the same report as the golden one made in one thread', async () => {
    const r = await cli('reproduce', '--json');
    expect(r.code).toBe(0);
    const golden = JSON.parse(readFileSync(new URL('../golden/files/reproduce.json', import.meta.url), 'utf8'));
    expect(JSON.parse(r.stdout)).toEqual(golden);
    expect(r.stderr).toBe(''); // no terminal: no progress line
  });
});
