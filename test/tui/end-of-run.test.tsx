import { afterEach, describe, expect, it } from 'vitest';
import { FLAT_OUT } from '../../src/session/live-loop.js';
import { loadPreset } from '../../src/config/load.js';
import type { DashboardSetup } from '../../src/tui/controller.js';
import { tick } from './ink-helpers.js';
import { closeDashboard, openDashboard } from './open-dashboard.js';

afterEach(closeDashboard);

/** A dashboard whose run is taken to its end while paused: the next frame finds it finished. */
async function finishedRun(setup: Partial<DashboardSetup> = {}, width = 100, height = 40) {
  const d = await openDashboard({ preset: loadPreset('py2-threads-1core'), ...setup }, width, height);
  d.controller.driver.advanceTo(Infinity);
  await tick();
  return d;
}

describe('the end of a run', () => {
  it('shows a card: simulated time, the published figure and the ratio, the top counters with their meaning, the keys to go on', async () => {
    const { controller, screen } = await finishedRun();
    const sim = controller.driver.sim;
    const seconds = sim.finishedAt / 1e9;
    const published = controller.preset.expected!.seconds;
    const ratio = seconds / published;
    const s = screen();
    expect(s.split('\n')[0]).toMatch(/^gil-top {2}FINISHED {2}py2-threads-1core/);
    expect(s.split('\n')[0]).not.toContain('PAUSED');
    expect(s).toContain('Run finished: py2-threads-1core  Python 2, two threads of 25M, one core');
    const pct = (ratio - 1) * 100;
    expect(s).toContain(`simulated ${seconds.toFixed(3)} s   published ${published} s   simulated/published ${ratio.toFixed(2)} (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)`);
    expect(s).toContain('top counters');
    // Python 2 on one core: the holder's checks outnumber everything else.
    expect(s).toContain(`  py2 checks${sim.snapshot().counters.checks.toLocaleString('en-US').padStart(21)}  holder released and re-took the GIL`);
    // (ink-testing-library draws 100 columns.)
    for (const l of s.split('\n')) expect(l.length).toBeLessThanOrEqual(100);
    const card = s.split('\n').filter((l) => l.startsWith('║'));
    expect(card.length).toBeGreaterThan(10);
    for (const l of card) expect(l.endsWith('║') && l.length === 100, l).toBe(true);
    expect(s).toContain('go on  R run again   p then R  another policy   l another preset   q quit');
    expect(s).toContain('R starts it under py2 on 1 core');
    expect(s).toContain(`finished at t=${seconds.toFixed(6)} s: R again, p then R another policy, l another preset`);
    // The run as it ended is still drawn under the card.
    expect(s).toContain('timeline, last 20 ms');
  });

  it('keys that cannot act on a finished run say so; p and c/C choose the next run, R starts it', async () => {
    const { controller, press } = await finishedRun();
    const events = controller.driver.sim.events;
    for (const k of [' ', '.', ',', 'k', 'r', 'i']) {
      const s = await press(k);
      expect(s.split('\n').at(-2), k).toMatch(/^the run is over: \S+ cannot act \(R again, p then R another policy, l a preset\)$/);
    }
    expect(controller.driver.sim.events).toBe(events);
    expect(controller.driver.log.filter((e) => e.action.type !== 'speed' && e.action.type !== 'pause')).toEqual([]);
    let s = await press('p');
    expect(s.split('\n').at(-2)).toBe('next run: py3 on 1 core(s); R starts it');
    expect(s).toContain('R starts it under py3 on 1 core');
    s = await press('C');
    expect(s).toContain('R starts it under py3 on 2 cores');
    s = await press('R');
    expect(s.split('\n')[0]).toMatch(/^gil-top {2}PAUSED {2}py2-threads-1core {2}policy py3 +2 cores/);
    expect(s).not.toContain('Run finished');
    expect(controller.driver.sim.now).toBe(0);
    // That run's end compares it with the published figure of another setting, and says so.
    controller.driver.advanceTo(Infinity);
    await tick();
    s = await press('m');
    expect(s).toContain('(published: the preset as it is, py2 on 1 core; this run differs)');
  });

  it('fits 80x24 uncut', async () => {
    const { screen } = await finishedRun({}, 80, 24);
    const card = screen().split('\n').filter((l) => l.startsWith('║'));
    expect(card.length).toBeGreaterThan(10);
    for (const l of card) expect(l, l).not.toContain('…');
    const lines = screen().split('\n');
    expect(lines.length).toBeLessThanOrEqual(23);
    expect(lines.at(-1)).toMatch(/q quit$/);
    expect(lines.at(-2)).toMatch(/^finished at t=\d+\.\d{6} s: R again, p then R another policy, l another preset$/);
  });

  it('Esc closes the card; the run stays finished', async () => {
    const { press } = await finishedRun();
    const s = await press('\x1b');
    expect(s).not.toContain('Run finished');
    expect(s.split('\n')[0]).toContain('FINISHED');
  });

  it('a recording stops cleanly at the end, once; r then refuses instead of writing another file', async () => {
    let finalized: string | null = null;
    let started = 0;
    const { screen, press } = await finishedRun({
      record: () => ({ file: 'run.jsonl', get finalized() { return finalized !== null; }, finalize: (reason?: string) => { finalized ??= reason ?? 'quit'; } }),
      startRecording: () => {
        started++;
        throw new Error('must not be called');
      },
    });
    expect(finalized).toBe('finished');
    expect(screen().split('\n')[0]).not.toContain('REC');
    expect(screen()).toMatch(/run finished at t=\d+\.\d{6} s; recording written to run\.jsonl/);
    await press('r');
    await press('r');
    expect(started).toBe(0);
  });

  it('a preset picked from the list starts at the start speed, not at the speed the last run reached', async () => {
    const { controller, press } = await finishedRun({ speed: 0.1 });
    for (let i = 0; i < 10; i++) await press('+');
    expect(controller.loop.speed).toBe(FLAT_OUT);
    await press('l');
    const s = await press('\r');
    expect(controller.loop.speed).toBe(0.1);
    expect(s.split('\n')[0]).toMatch(/speed +0\.1x/);
  });

  it('F1 opens the help, F10 quits (htop\'s keys)', async () => {
    const { controller, press } = await finishedRun();
    expect(await press('\x1bOP')).toContain('Help (Esc or ? closes');
    await press('\x1b[21~');
    expect(controller.quitRequested).toBe(true);
  });
});
