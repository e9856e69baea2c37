import { describe, expect, it } from 'vitest';
import { bindingFor, footerText, keymap } from '../../src/tui/keymap.js';

describe('keymap', () => {
  it('maps each documented key to its action', () => {
    const cases: [string, string][] = [
      ['?', 'help'], ['h', 'help'], [' ', 'togglePause'], ['.', 'stepEvent'], ['s', 'stepEvent'], [',', 'stepMillisecond'],
      ['m', 'stepMillisecond'], ['+', 'faster'], ['=', 'faster'], ['-', 'slower'], ['p', 'cyclePolicy'], ['i', 'intervalDown'],
      ['I', 'intervalUp'], ['c', 'coreRemove'], ['C', 'coreAdd'], ['k', 'signal'], ['[', 'zoomIn'], [']', 'zoomOut'],
      ['R', 'restart'], ['l', 'presets'], ['r', 'record'], ['q', 'quit'], ['e', 'eventLog'],
    ];
    for (const [input, action] of cases) expect(bindingFor({ input })?.action, input).toBe(action);
    expect(bindingFor({ input: 'c', ctrl: true })?.action).toBe('quit');
    expect(bindingFor({ input: 'x' })).toBeUndefined();
    expect(bindingFor({ input: 'p', ctrl: true })).toBeUndefined();
    // htop's F1 and F10.
    expect(bindingFor({ input: '', f1: true })?.action).toBe('help');
    expect(bindingFor({ input: '', f10: true })?.action).toBe('quit');
  });

  it('gives every key a single binding', () => {
    const seen = new Set<string>();
    for (const b of keymap)
      for (const i of b.inputs) {
        expect(seen.has(i), i).toBe(false);
        seen.add(i);
      }
  });

  it('builds the footer from the table, cut to the width', () => {
    expect(footerText(120)).toBe('? help  space pause  . step  +- speed  p policy  I interval  C cores  e events  R restart  l presets  q quit');
    // Narrower: the least needed go first; help and quit stay.
    expect(footerText(80)).toBe('? help  space pause  . step  +- speed  p policy  e events  l presets  q quit');
    expect(footerText(40)).toBe('? help  space pause  . step  q quit');
    expect(footerText(14)).toBe('? help  q quit');
  });
});

describe('help', () => {
  it('has a line for every key, every glyph of the strips and every state, each fitting 80 columns', async () => {
    const { helpRows } = await import('../../src/tui/help-view.js');
    const rows = helpRows();
    const text = rows.map((r) => `${r.keys.padEnd(9)}${r.description}`);
    for (const b of keymap) expect(text.some((t) => t.startsWith(b.label.padEnd(9) + b.description))).toBe(true);
    for (const ch of ['█', '▓', '▒', '!', '·', '─', '▪']) expect(text.some((t) => t.startsWith(ch.padEnd(9))), ch).toBe(true);
    for (const st of ['run', 'ready', 'wait', 'spin', 'io', 'sys', 'new', 'done']) expect(text.some((t) => t.startsWith(st.padEnd(9))), st).toBe(true);
    // Box border and padding take four columns.
    for (const t of text) expect(t.length, t).toBeLessThanOrEqual(76);
  });
});
