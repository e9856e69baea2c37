import { afterEach, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { plain, tick } from './ink-helpers.js';
import { closeDashboard, openDashboard } from './open-dashboard.js';

afterEach(closeDashboard);

/** The dashboard at `width` x `height` on `preset`, paused after `ms` milliseconds stepped one by one. */
async function at(width: number, height: number, preset = 'py2-threads-2cores', ms = 6) {
  const { app } = await openDashboard({ preset: loadPreset(preset) }, width, height);
  for (let i = 0; i < ms; i++) {
    app.stdin.write(',');
    await tick(40);
  }
  // A loaded machine draws late: wait for the frame that shows the last step.
  const t = `t=   ${(ms / 1000).toFixed(6)} s`;
  for (let i = 0; i < 50 && !plain(app.lastFrame()).includes(t); i++) await tick(40);
  await tick();
  return { app, lines: plain(app.lastFrame()).split('\n') };
}

/** What every size must show: the run, the cores with their threads, the GIL, the strips, the tallies, how to quit. */
function expectEssentials(l: string[], width: number, height: number) {
  const s = l.join('\n');
  expect(l.length, 'lines').toBeLessThanOrEqual(height - 1);
  for (const line of l) expect(line.length, line).toBeLessThanOrEqual(width);
  expect(l[0]).toMatch(/^gil-top {2}PAUSED {2}py2-threads-2cores {2}(policy )?py2 .*t= *0\.006000 s {2}(speed +)?0\.1x/);
  expect(s).toMatch(/cpu0\[[| ]*\d+\.\d%\] (t[12]|-) /);
  expect(s).toMatch(/cpu1\[[| ]*\d+\.\d%\] (t[12]|-) /);
  expect(s).toMatch(/cpu\d\[[| ]*\d+\.\d%\] t[12] /);
  expect(s).toContain('GIL py2      holder t');
  expect(s).toMatch(/_Py_Ticker +\d+ \/ 100/);
  expect(s).toMatch(/timeline, last 20 ms {2}█ (running \(with the GIL\)|holds GIL)/);
  expect(s).toMatch(/^t1 +│[█▒!▓· ]+│$/m);
  expect(s).toMatch(/^t2 +│[█▒!▓· ]+│$/m);
  expect(s).toMatch(/^ thread +(state +)?cpu +GIL held +GIL wait/m);
  expect(s).toMatch(/OS wake-ups +[\d,]+/);
  expect(l.at(-1)).toMatch(/^\? help .* q quit$/);
}

describe('the dashboard at the sizes people use', () => {
  it('80x24: header, named core bars, GIL panel, a compact timeline, tallies and a footer with q', async () => {
    const { lines: l } = await at(80, 24);
    expectEssentials(l, 80, 24);
  });

  it('120x40: all of that, the thread states and the chart', async () => {
    const { lines: l } = await at(120, 40);
    expectEssentials(l, 120, 40);
    const s = l.join('\n');
    expect(s).toMatch(/^ thread +state +cpu/m);
    expect(s).toContain('GIL switches per simulated second');
    expect(s).not.toContain('(waiting for data)');
  });

  it('200x60: uses the room (no blank half): the event log, the charts, the description', async () => {
    const { lines: l } = await at(200, 60, 'echo-fib-py3', 30);
    const s = l.join('\n');
    expect(l.length).toBeLessThanOrEqual(59);
    expect(s).toContain('event log');
    expect(s).toContain('GIL switches per simulated second');
    expect(s).toContain('client latency, ms');
    expect(s).toContain('The convoy effect');
    const blank = l.filter((x) => x.trim() === '').length;
    expect(blank, s).toBeLessThan(8);
  });

  it('the help fits at 200x60 and scrolls at 80x24 (q quit is reachable)', async () => {
    let { app } = await at(200, 60);
    app.stdin.write('?');
    await tick();
    let s = plain(app.lastFrame());
    expect(s).toContain('q ^C F10 quit, restoring the terminal');
    expect(s).toContain('The state column');
    ({ app } = await at(80, 24));
    app.stdin.write('?');
    await tick();
    s = plain(app.lastFrame());
    expect(s).toMatch(/\[1-17 of \d+, ↑\/↓ j\/k PgUp\/PgDn\]/);
    expect(s).not.toContain('q ^C F10');
    app.stdin.write('\x1b[6~'); // PgDn
    await tick();
    s = plain(app.lastFrame());
    expect(s).toContain('q ^C F10 quit, restoring the terminal');
    for (let i = 0; i < 40; i++) app.stdin.write('j');
    await tick();
    s = plain(app.lastFrame());
    expect(s).toContain('spin     on a core in GIL code');
    app.stdin.write('k'); // scrolls up in the help: no signal is sent
    await tick();
    expect(plain(app.lastFrame())).not.toContain('SIGINT');
  });
});
