import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { SessionDriver } from '../../src/session/driver.js';
import { FLAT_OUT, LiveLoop, nextStep, speedSteps } from '../../src/session/live-loop.js';

const preset = loadPreset('py2-threads-2cores');
const fakeClock = () => {
  const c = { t: 0, now: () => c.t };
  return c;
};

describe('LiveLoop', () => {
  it('turns wall time into simulated time at the set speed', () => {
    const clock = fakeClock();
    const loop = new LiveLoop(new SessionDriver(preset), 0.001, { clock: clock.now, budgetMs: 1e9 });
    clock.t = 50; // 50 wall ms at 0.001x: 50 simulated µs
    loop.slice();
    expect(loop.driver.sim.now).toBe(50_000);
    clock.t = 80;
    loop.slice();
    expect(loop.driver.sim.now).toBe(80_000);
  });

  it('makes up for at most maxGapMs after a stall', () => {
    const clock = fakeClock();
    const loop = new LiveLoop(new SessionDriver(preset), 0.001, { clock: clock.now, budgetMs: 1e9, maxGapMs: 100 });
    clock.t = 5000;
    loop.slice();
    expect(loop.driver.sim.now).toBe(100_000);
  });

  it('does not move while paused, and logs pause, resume and speed through the driver', () => {
    const clock = fakeClock();
    const loop = new LiveLoop(new SessionDriver(preset), 0.001, { clock: clock.now, budgetMs: 1e9 });
    loop.pause();
    clock.t = 50;
    loop.slice();
    expect(loop.driver.sim.now).toBe(0);
    loop.resume();
    clock.t = 60;
    loop.slice();
    expect(loop.driver.sim.now).toBe(10_000);
    loop.setSpeed(0.01);
    expect(loop.driver.log.map((e) => e.action)).toEqual([{ type: 'pause' }, { type: 'resume' }, { type: 'speed', speed: 0.01 }]);
  });

  it('stops a slice when its wall budget is spent, even flat out', () => {
    const clock = fakeClock();
    const loop = new LiveLoop(new SessionDriver(preset), FLAT_OUT, {
      clock: () => (clock.t += 1),
      budgetMs: 5,
      chunkEvents: 100,
    });
    const events = loop.slice();
    // Each look at the clock costs 1 fake ms: the slice stops after about 5 chunks.
    expect(events).toBeGreaterThan(0);
    expect(events).toBeLessThanOrEqual(600);
  });

  it('steps one event or one millisecond, pausing first', () => {
    const loop = new LiveLoop(new SessionDriver(preset), 0.1);
    const before = loop.driver.sim.events;
    expect(loop.stepEvent()).toBe(true);
    expect(loop.paused).toBe(true);
    expect(loop.driver.sim.events).toBe(before + 1);
    const t = loop.driver.sim.now;
    loop.stepMillisecond();
    expect(loop.driver.sim.now).toBe(t + 1_000_000);
  });

  it('steps speeds along the table and clamps at both ends', () => {
    expect(nextStep(speedSteps, 0.1, 1)).toBe(0.2);
    expect(nextStep(speedSteps, 0.1, -1)).toBe(0.05);
    expect(nextStep(speedSteps, 0.15, 1)).toBe(0.2);
    expect(nextStep(speedSteps, 0.15, -1)).toBe(0.1);
    expect(nextStep(speedSteps, FLAT_OUT, 1)).toBe(FLAT_OUT);
    expect(nextStep(speedSteps, 0.0001, -1)).toBe(0.00005);
    expect(nextStep(speedSteps, 0.000001, -1)).toBe(0.000001);
  });
});
