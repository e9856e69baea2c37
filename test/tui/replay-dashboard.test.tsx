import { join } from 'node:path';
import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { FLAT_OUT } from '../../src/session/live-loop.js';
import { openReplay } from '../../src/session/replay.js';
import { App } from '../../src/tui/app.js';
import { DashboardController } from '../../src/tui/controller.js';
import { recordRun, sessionObjects, tempDir, writeSealed, writeSmallPreset } from '../session/fixtures.js';
import { plain, tick } from './ink-helpers.js';


let app: ReturnType<typeof render> | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

/** A recording played back in the dashboard, on a wall clock that moves only when the test says. */
async function openPlayback(file: string, speed: number) {
  let wall = 0;
  const player = openReplay(file);
  const controller = new DashboardController({ preset: player.preset, replay: player, speed, loop: { clock: () => wall } });
  app = render(<App controller={controller} width={120} height={40} frameMs={20} />);
  await tick();
  const screen = () => plain(app!.lastFrame());
  const lines = () => screen().split('\n');
  return {
    player,
    controller,
    lines,
    /** Lets `ms` of wall time pass for the playback, then a few frames. */
    wallPasses: async (ms: number) => {
      wall += ms;
      await tick();
      return lines();
    },
    press: async (k: string) => {
      app!.stdin.write(k);
      await tick();
      return lines();
    },
  };
}

describe('gil-top replay FILE in the dashboard', () => {
  it('plays the recorded actions back at their instants, read-only, paced by the recorded pause and speed', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir), [
      { atNs: 10e6, action: { type: 'speed', speed: 1 } },
      { atNs: 30e6, action: { type: 'pause' } },
      { atNs: 30e6, action: { type: 'resume' } },
      { atNs: 50e6, action: { type: 'policy', policy: 'py2' } },
    ]);
    const { player, controller, lines, wallPasses, press } = await openPlayback(file, 0.1);
    expect(lines()[0]).toBe('gil-top  REPLAY  small  policy py3            2 cores   t=   0.000000 s  speed      0.1x  seed 1');
    expect(lines().at(-2)).toBe(`replaying ${file} (recorded 2026-01-02T03:04:05.000Z): 4 actions, ${player.session.counts.samples} samples; read-only`);
    expect(lines().at(-1)).toBe('? help  space pause  . step  +- speed  e events  q quit');

    // Keys that would change the run are refused; the run is untouched.
    expect((await press('p')).at(-2)).toBe('replay: read-only (p would change the run; space, + -, . , [ ] ? and q work)');
    expect(lines()[0]).toContain('policy py3 ');
    expect((await press('C')).at(-2)).toBe('replay: read-only (C would change the run; space, + -, . , [ ] ? and q work)');
    expect(controller.driver.sim.snapshot().cores.length).toBe(2);

    // 100 ms of wall time at 0.1x: 10 ms simulated, where the recording set the speed to 1x.
    let l = await wallPasses(100);
    expect(l[0]).toBe('gil-top  REPLAY  small  policy py3            2 cores   t=   0.010000 s  speed        1x  seed 1');
    expect(l.at(-2)).toBe('the recording set the speed to 1x at t=0.010000 s');

    // The recording paused at 30 ms: the playback holds there, however much wall time passes.
    l = await wallPasses(100);
    expect(l[0]).toBe('gil-top  REPLAY  PAUSED  small  policy py3            2 cores   t=   0.030000 s  speed        1x  seed 1');
    expect(l.at(-2)).toBe('the recording paused here, at t=0.030000 s: space continues the playback');
    l = await wallPasses(100);
    expect(l[0]).toContain('t=   0.030000 s');

    // Space continues; the recorded policy change shows once the playback passes 50 ms.
    l = await press(' ');
    expect(l[0]).not.toContain('PAUSED');
    l = await wallPasses(15);
    expect(l[0]).toBe('gil-top  REPLAY  small  policy py3            2 cores   t=   0.045000 s  speed        1x  seed 1');
    l = await wallPasses(15);
    expect(l[0]).toBe('gil-top  REPLAY  small  policy py2            2 cores   t=   0.060000 s  speed        1x  seed 1');
    expect(l.at(-2)).toBe('recorded: policy py2 at t=0.050000 s');

    // Pause and speed only pace the playback: nothing is logged besides the recorded actions.
    await press('+');
    await press(' ');
    await press('.');
    expect(player.driver.log.map((a) => a.action.type)).toEqual(['speed', 'pause', 'resume', 'policy']);

    // As fast as it goes, to the end: it matches.
    await press(' ');
    for (let i = 0; i < 8; i++) await press('+');
    expect(controller.loop.speed).toBe(FLAT_OUT);
    l = await wallPasses(100);
    expect(player.done).toBe(true);
    expect(l[0]).toMatch(/^gil-top {2}REPLAY {2}FINISHED {2}small {2}policy py2 {12}2 cores {3}t= {3}0\.\d{6} s {2}speed {7}max {2}seed 1$/);
    expect(l.at(-2)).toBe(`replay complete: matches the recording (${player.session.counts.samples} samples and the final summary, 4 actions) at t=${(player.endNs / 1e9).toFixed(6)} s`);
    expect(l.join('\n')).not.toContain('DIVERGES');
  });

  it('a tampered recording stops at the first diverging sample, with a banner', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir));
    // Edited and resealed (counts and checksum recomputed), so that the replay's comparison finds it.
    const lines = sessionObjects(file);
    const o = lines.find((x) => x.type === 'sample' && x.atNs === 12e6)!;
    o.threads[1].cpuNs += 1;
    writeSealed(file, lines);

    const { player, wallPasses } = await openPlayback(file, FLAT_OUT);
    const l = await wallPasses(100);
    expect(player.divergence).toMatchObject({ atNs: 12e6, field: 'threads[1].cpuNs' });
    const cpu = o.threads[1].cpuNs as number;
    expect(l[0]).toBe('gil-top  REPLAY  DIVERGED  small  policy py3            2 cores   t=   0.012000 s  speed       max  seed 1');
    expect(l[1]).toBe(`REPLAY DIVERGES at t=0.012000 s: sample at 0.012 s: threads[1].cpuNs recorded ${cpu} replayed ${cpu - 1}`);
    expect(l.at(-2)).toBe(`replay diverges at t=0.012000 s: sample at 0.012 s: threads[1].cpuNs recorded ${cpu} replayed ${cpu - 1}`);
    expect(l.join('\n')).not.toContain('FINISHED');
  });
});
