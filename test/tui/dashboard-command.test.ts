import { describe, expect, it } from 'vitest';
import { DEFAULT_PRESET, speedOption } from '../../src/cli/commands/dashboard.js';
import { InputError } from '../../src/config/input-error.js';
import { DEFAULT_SPEED, FLAT_OUT } from '../../src/session/live-loop.js';

describe('gil-top (the dashboard command)', () => {
  it('opens py2-threads-2cores by default', () => {
    expect(DEFAULT_PRESET).toBe('py2-threads-2cores');
  });
  it('--speed takes simulated seconds per wall second, or max', () => {
    expect(speedOption(undefined)).toBe(DEFAULT_SPEED);
    expect(speedOption('0.001')).toBe(0.001);
    expect(speedOption('max')).toBe(FLAT_OUT);
    expect(speedOption('MAX')).toBe(FLAT_OUT);
    expect(() => speedOption('fast')).toThrow(new InputError('--speed: "fast" is not a number'));
    expect(() => speedOption('0')).toThrow(new InputError('--speed: 0 is out of range (0.000001 to 1000000)'));
  });
});
