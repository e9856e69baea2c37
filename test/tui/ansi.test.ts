import { describe, expect, it } from 'vitest';
import { ansiLine } from '../../src/tui/ansi.js';

describe('ansiLine', () => {
  it('draws runs of one style with one pair of codes, and changes style where the runs do', () => {
    const line = ansiLine([
      { text: '█', color: 'green' },
      { text: '·', color: 'gray' },
      { text: '·', color: 'gray' },
      { text: '·', color: 'gray' },
      { text: '█', color: 'green' },
      { text: '█', color: 'green', bold: true },
      { text: ' plain' },
    ]);
    // NO_COLOR (no-color.org) leaves the text alone.
    const coloured = process.env.NO_COLOR === undefined || process.env.NO_COLOR === '';
    expect(line).toBe(coloured ? '\x1b[32m█\x1b[39m\x1b[90m···\x1b[39m\x1b[32m█\x1b[39m\x1b[32m\x1b[1m█\x1b[22m\x1b[39m plain' : '█···██ plain');
  });
});
