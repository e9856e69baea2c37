import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { tempDir } from '../session/fixtures.js';
import { tick } from './ink-helpers.js';
import { closeDashboard, openDashboard } from './open-dashboard.js';

afterEach(closeDashboard);

/** A server that reads nothing and a client that sends forever: once the buffers are full, nothing can happen. */
function floodPreset() {
  const file = join(tempDir(), 'flood.json');
  const preset = {
    name: 'flood',
    title: 'a writer nobody reads',
    description: 'test',
    profile: 'article-vm',
    policy: 'py3',
    cores: 2,
    threads: [{ name: 'server', program: [{ op: 'accept', socket: 's' }, { op: 'recv', socket: 's' }] }],
    actors: [{ name: 'client', program: [{ op: 'connect', socket: 's' }, { op: 'repeat', times: 'forever', body: [{ op: 'send', socket: 's', bytes: 65_536 }] }] }],
  };
  writeFileSync(file, JSON.stringify(preset));
  return loadPreset(file);
}

describe('a deadlocked run on the dashboard', () => {
  it('says so in the header and once in the message line: since when nothing happened, and who waits for what', async () => {
    const { controller, screen } = await openDashboard({ preset: floodPreset() });
    controller.driver.advanceTo(0.5e9);
    await tick();
    const sim = controller.driver.sim;
    expect(sim.deadlocked).toBe(true);
    const lines = screen().split('\n');
    expect(lines[0]).toMatch(/^gil-top {2}PAUSED {2}DEADLOCK {2}flood/);
    const since = (sim.lastEventAt / 1e9).toFixed(6);
    expect(controller.engine.latest.message.text).toBe(`deadlock since t=${since} s: client in send on s (4,325,376 bytes unread fill the buffers); R restarts`);
    // On the 100 columns ink-testing-library draws, the message line keeps who waits in what.
    expect(screen()).toContain(`deadlock since t=${since} s: client in send on s (4,325,376 bytes unread`);
    expect(screen()).not.toContain('FINISHED');
  });

  it('a run that is merely waiting is not flagged', async () => {
    const { controller, screen } = await openDashboard();
    controller.driver.advanceTo(0.01e9);
    await tick();
    expect(controller.driver.sim.deadlocked).toBe(false);
    expect(screen().split('\n')[0]).not.toContain('DEADLOCK');
    expect(screen()).not.toContain('deadlock');
  });
});

describe('a deadlocked run in the live loop', () => {
  it('stops its clock (flat out it would run on for hours) and steps nothing, at once', async () => {
    const { controller, press } = await openDashboard({ preset: floodPreset() });
    const driver = controller.driver;
    driver.advanceTo(3600e9);
    const sim = driver.sim;
    expect(sim.deadlocked).toBe(true);
    // Stopped at the first sample instant after the last event, not an hour later.
    expect(sim.now - sim.lastEventAt).toBeLessThanOrEqual(driver.sampleEveryNs);
    await tick(); // the dashboard announces the deadlock first
    const now = sim.now;
    const s = await press('.');
    expect(s.split('\n').at(-2)).toBe('deadlocked: no event is left to step; R restarts');
    expect(sim.now).toBe(now);
    // Nor does a millisecond step move it, or say it did.
    expect((await press(',')).split('\n').at(-2)).toBe('deadlocked: the clock stays (nothing is left to happen); R restarts');
    expect(sim.now).toBe(now);
  });
});
