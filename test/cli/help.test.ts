import { describe, expect, it } from 'vitest';
import { commands, helpText } from '../../src/cli/options.js';

describe('gil-top --help', () => {
  it('lists every command with a line saying what it does, and every option', () => {
    const text = helpText();
    const usage = text.slice(text.indexOf('Usage\n'), text.indexOf('\nOptions\n'));
    for (const name of Object.keys(commands)) {
      const line = name === 'dashboard' ? '  gil-top [options]' : `  gil-top ${name}`;
      expect(usage, name).toContain(line);
    }
    const allOptions = new Set(Object.values(commands).flat());
    for (const o of allOptions) expect(text, o).toMatch(new RegExp(`--${o}\\b`));
    // No line runs past 120 columns, the width of the terminal the README assumes.
    for (const l of text.split('\n')) expect(l.length, l).toBeLessThanOrEqual(120);
  });
});
