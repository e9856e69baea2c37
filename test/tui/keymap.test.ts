import { describe, expect, it } from 'vitest';
import { bindingFor, footerText, keymap } from '../../src/tui/keymap.js';

describe('keymap', () => {
  it('maps each documented key to its action', () => {
    const cases: [string, string][] = [
      ['?', 'help'], ['h', 'help'], [' ', 'togglePause'], ['.', 'stepEvent'], ['s', 'stepEvent'], [',', 'stepMillisecond'],
      ['m', 'stepMillisecond'], ['+', 'faster'], ['=', 'faster'], ['-', 'slower'], ['p', 'cyclePolicy'], ['i', 'intervalDown'],
      ['I', 'intervalUp'], ['c', 'coreRemove'], ['C', 'coreAdd'], ['k', 'signal'], ['[', 'zoomIn'], [']', 'zoomOut'],
      ['R', 'restart'], ['l', 'presets'], ['r', 'record'], ['q', 'quit'],
    ];
    for (const [input, action] of cases) expect(bindingFor({ input })?.action, input).toBe(action);
    expect(bindingFor({ input: 'c', ctrl: true })?.action).toBe('quit');
    expect(bindingFor({ input: 'x' })).toBeUndefined();
    expect(bindingFor({ input: 'p', ctrl: true })).toBeUndefined();
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
    expect(footerText(120)).toBe('? help  space pause  . step  + faster  - slower  p policy  I interval  C cores  R restart  l presets  q quit');
    expect(footerText(40)).toBe('? help  space pause  . step  + faster');
  });
});
