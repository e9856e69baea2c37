import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * The real program in a real terminal: tmux gives it a 120x40 pty, we type keys and read the
 * screen back. Runs the built program (`npm run build` / `npm ci` make dist/).
 */
const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const main = join(root, 'dist', 'cli', 'main.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;
const built = existsSync(main);
if (!hasTmux) console.warn('e2e dashboard test skipped: tmux is not installed (apt-get install -y tmux)');
if (hasTmux && !built) console.warn('e2e dashboard test skipped: dist/cli/main.js is missing (run npm run build)');

const session = `gil-top-e2e-${process.pid}`;
const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
const screen = () => tmux('capture-pane', '-p', '-t', session);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the screen satisfies `ok` (or the time is up), returns the last screen. */
async function until(ok: (s: string) => boolean, ms = 15_000): Promise<string> {
  const end = Date.now() + ms;
  let s = screen();
  while (!ok(s) && Date.now() < end) {
    await sleep(50);
    s = screen();
  }
  return s;
}

afterAll(() => {
  if (hasTmux) spawnSync('tmux', ['kill-session', '-t', session]);
});

describe.skipIf(!hasTmux || !built)('gil-top in a real terminal (tmux)', () => {
  it('starts the default preset, hot-swaps policy and cores while running, quits restoring the terminal', async () => {
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `node ${JSON.stringify(main)}; echo EXITED $?; sleep 30`);
    let s = await until((x) => x.includes('policy py2') && x.includes('timeline, last'));
    const lines = s.split('\n');
    expect(lines[0]).toMatch(/^gil-top {2}py2-threads-2cores {2}policy py2 {12}2 cores {3}t= +\d+\.\d{6} s {2}speed {6}0\.1x {2}seed 1/);
    expect(s).toContain('cpu0[');
    expect(s).toContain('cpu1[');
    expect(s).toContain('_Py_Ticker');
    expect(s).toContain('? help  space pause');
    expect(s).toContain('q quit');
    expect(lines.filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(39);

    // Running: simulated time moves on its own.
    const t0 = /t= +([\d.]+) s/.exec(lines[0])![1];
    s = await until((x) => /t= +([\d.]+) s/.exec(x)?.[1] !== t0);
    expect(/t= +([\d.]+) s/.exec(s)?.[1]).not.toBe(t0);

    tmux('send-keys', '-t', session, 'p');
    s = await until((x) => x.split('\n')[0].includes('policy py3'));
    expect(s.split('\n')[0]).toContain('policy py3');
    expect(s).toContain('timed wait');
    expect(s).toMatch(/policy -> py3 at t=\d+\.\d{6} s/);

    tmux('send-keys', '-t', session, 'C');
    s = await until((x) => x.includes('cpu2['));
    expect(s.split('\n')[0]).toContain('3 cores');
    expect(s).toMatch(/cores -> 3 at t=\d+\.\d{6} s/);

    tmux('send-keys', '-t', session, ' ');
    s = await until((x) => x.includes('PAUSED'));
    expect(s.split('\n')[0]).toMatch(/^gil-top {2}PAUSED {2}py2-threads-2cores {2}policy py3 {12}3 cores/);

    tmux('send-keys', '-t', session, '?');
    s = await until((x) => x.includes('Help (Esc'));
    expect(s).toContain('p        cycle py2, py3, free-threaded, priority, bfs (finished: next run)');

    tmux('send-keys', '-t', session, 'Escape');
    tmux('send-keys', '-t', session, 'q');
    s = await until((x) => x.includes('EXITED'));
    expect(s).toContain('EXITED 0');
    // Back on the normal screen: none of the dashboard is left.
    expect(s).not.toContain('timeline, last');
  });

  it('follows a resize, and says what size it needs when too small', async () => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '40', `node ${JSON.stringify(main)} --preset echo-fib-py3 --speed 0.01`);
    await until((x) => x.includes('echo-fib-py3'));
    tmux('resize-window', '-t', session, '-x', '60', '-y', '15');
    let s = await until((x) => x.includes('gil-top needs a terminal'));
    expect(s.replace(/\s+/g, ' ')).toContain('gil-top needs a terminal of at least 80x21; this one is 60x15.');
    tmux('resize-window', '-t', session, '-x', '90', '-y', '30');
    s = await until((x) => x.includes('echo-fib-py3') && !x.includes('needs a terminal'));
    const lines = s.split('\n');
    expect(lines.filter((l) => l.trim() !== '').length).toBeLessThanOrEqual(29);
    expect(lines.every((l) => l.length <= 90)).toBe(true);
    tmux('send-keys', '-t', session, 'C-c');
    await sleep(300);
  });

  it('at 80x24: the panels, thread names on the core bars, q in the footer; F1 helps, F10 quits', async () => {
    spawnSync('tmux', ['kill-session', '-t', session]);
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', `node ${JSON.stringify(main)}; echo EXITED $?; sleep 30`);
    let s = await until((x) => x.includes('timeline, last') && /OS wake-ups +[1-9]/.test(x));
    const lines = s.split('\n');
    expect(lines.every((l) => l.length <= 80)).toBe(true);
    expect(lines[0]).toMatch(/^gil-top {2}py2-threads-2cores {2}(policy )?py2 +2 cores +t= +\d+\.\d{6} s {2}speed 0\.1x/);
    expect(s).toMatch(/cpu\d\[[| ]+\d+\.\d%\] t[12] /);
    expect(s).toContain('_Py_Ticker');
    expect(s).toMatch(/^t1 +│/m);
    expect(s).toMatch(/^ thread +cpu +GIL held/m);
    expect(s).toMatch(/q quit\s*$/m);
    tmux('send-keys', '-t', session, 'F1');
    s = await until((x) => x.includes('Help (Esc'));
    expect(s).toContain('Help (Esc or ? closes');
    tmux('send-keys', '-t', session, 'F10');
    s = await until((x) => x.includes('EXITED'));
    expect(s).toContain('EXITED 0');
  });
});

describe.skipIf(!built)('gil-top without a terminal', () => {
  it('refuses to run without a terminal, pointing to gil-top run', () => {
    const r = spawnSync('node', [main], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toBe('gil-top: the dashboard needs a terminal (stdin and stdout must be a TTY); for a headless run use `gil-top run --preset NAME`\n');
  });
});
