import { afterEach, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { closeDashboard, openDashboard as open } from './open-dashboard.js';
import { tick } from './ink-helpers.js';

afterEach(closeDashboard);

describe('the dashboard app, key by key', () => {
  it('opens on the preset, paused, with the panels and the footer', async () => {
    const { lines, screen } = await open();
    expect(lines()[0]).toBe('gil-top  PAUSED  py2-threads-2cores  policy py2  2 cores  t=   0.000000 s  speed 0.1x  seed 1'); // 100 columns: fields lose their padding, the badge stays
    expect(screen()).toContain('GIL py2      holder ');
    expect(screen()).toContain('timeline, last 20 ms');
    expect(screen()).toContain('GIL switches per simulated second');
    expect(screen()).toContain('(waiting for data)');
    expect(lines().at(-1)).toBe('? help  space pause  . step  +- speed  p policy  I interval  e events  R restart  l presets  q quit');
    expect(lines().length).toBeLessThanOrEqual(39);
  });

  it('space resumes and pauses', async () => {
    const { press, lines } = await open({ speed: 0.001 });
    expect(await press(' ')).not.toContain('PAUSED');
    await tick(100);
    expect(lines()[0]).not.toContain('t=   0.000000 s');
    expect((await press(' ')).split('\n')[0]).toContain('PAUSED');
  });

  it('. and s step one event, , and m one millisecond', async () => {
    const { press, lines, controller } = await open();
    await press('.');
    expect(controller.driver.sim.events).toBe(1);
    // The step names the event in the model's words (the first: the main thread takes the GIL to start the workers).
    expect(lines().at(-2)).toMatch(/^stepped: 0\.\d{9} s  MainThread: /);
    await press('s');
    expect(controller.driver.sim.events).toBe(2);
    const t = controller.driver.sim.now;
    await press(',');
    expect(controller.driver.sim.now).toBe(t + 1_000_000);
    await press('m');
    expect(controller.driver.sim.now).toBe(t + 2_000_000);
    expect(lines().at(-2)).toBe(`stepped 1 ms: now at t=${((t + 2e6) / 1e9).toFixed(6)} s`);
  });

  it('+ and - change the speed shown in the header', async () => {
    const { press } = await open();
    expect((await press('+')).split('\n')[0]).toContain('speed 0.2x');
    expect((await press('-')).split('\n')[0]).toContain('speed 0.1x');
    expect((await press('-')).split('\n')[0]).toContain('speed 0.05x');
  });

  it('p cycles the policy py2 -> py3 -> free-threaded -> priority -> bfs -> py2, and the GIL panel follows', async () => {
    const { press } = await open();
    let s = await press('p');
    expect(s.split('\n')[0]).toContain('policy py3 ');
    expect(s).toContain('timed wait');
    expect(s).toContain('drop request');
    s = await press('p');
    expect(s.split('\n')[0]).toContain('policy free-threaded ');
    expect(s).toContain('GIL          none (free-threaded)');
    s = await press('p');
    expect(s.split('\n')[0]).toContain('policy priority ');
    expect(s).toMatch(/holder is +(CPU-bound|I\/O-bound|nobody holds it) +I\/O waiters \d/);
    s = await press('p');
    expect(s.split('\n')[0]).toContain('policy bfs ');
    expect(s).toContain('slice left');
    expect(s).toMatch(/deadline +(nobody waits|next (in|expired))/);
    s = await press('p');
    expect(s.split('\n')[0]).toContain('policy py2 ');
    expect(s).toContain('_Py_Ticker');
  });

  it('i and I lower and raise the check interval under py2, the switch interval under py3', async () => {
    const { press, controller } = await open();
    expect(await press('i')).toContain('check interval -> 50 ticks at t=0.000000 s');
    expect(controller.driver.sim.snapshot().checkInterval).toBe(50);
    expect(await press('I')).toContain('check interval -> 100 ticks');
    await press('p');
    expect(await press('i')).toContain('switch interval -> 2 ms');
    expect(controller.driver.sim.snapshot().switchIntervalNs).toBe(2_000_000);
    expect(await press('I')).toContain('switch interval -> 5 ms');
  });

  it('c and C remove and add a core', async () => {
    const { press } = await open();
    let s = await press('C');
    expect(s.split('\n')[0]).toContain('3 cores');
    expect(s).toContain('cpu2[');
    s = await press('c');
    s = await press('c');
    expect(s.split('\n')[0]).toContain('1 core ');
    expect(s).not.toContain('cpu1[');
    expect(await press('c')).toContain('cores stay at 1 (1-256)');
  });

  it('k sends a signal: a pending call shows in the GIL panel', async () => {
    const { press } = await open();
    await press('m'); // 1 ms in: the main thread has started both workers and waits in t1.join()
    const s = await press('k');
    expect(s).toContain('SIGINT sent at t=0.001000 s');
    // The main thread alone runs handlers, and Python 2.7's join cannot be interrupted.
    expect(s).toContain('signal       PENDING: main in join');
  });

  it('k in a program with a main thread: the panel names it and what it is doing', async () => {
    const { press } = await open({ preset: loadPreset('py2-sequential') });
    expect(await press('k')).toContain('signal       PENDING: main runs it next');
  });

  it('k under free threading: the GIL panel shows the pending signal, then the KeyboardInterrupt', async () => {
    const { press } = await open({ preset: loadPreset('free-threaded-private') });
    await press('m');
    expect(await press('m')).toContain('threads run Python in parallel');
    let s = await press('k');
    // Four workers on four cores: the main thread waits for one before it can run the handler.
    expect(s).toContain('signal       PENDING: main waits a core');
    expect(s).not.toContain('threads run Python in parallel');
    for (let i = 0; i < 20 && !s.includes('KeyboardInterrupt'); i++) s = await press('m');
    // It raises KeyboardInterrupt, and _shutdown waits for the workers.
    expect(s).toContain('signal       KeyboardInterrupt: in _shutdown');
  });

  it('[ and ] zoom the timeline', async () => {
    const { press } = await open();
    expect(await press('[')).toContain('timeline, last 10 ms');
    expect(await press(']')).toContain('timeline, last 20 ms');
    expect(await press(']')).toContain('timeline, last 50 ms');
  });

  it('R restarts from the beginning', async () => {
    const { press, controller } = await open();
    await press('m');
    expect(controller.driver.sim.now).toBe(1_000_000);
    const s = await press('R');
    expect(controller.driver.sim.now).toBe(0);
    expect(s.split('\n')[0]).toContain('t=   0.000000 s');
    expect(s).toContain('restarted py2-threads-2cores');
  });

  it('l lists the presets; arrows move, Enter loads, Esc cancels', async () => {
    const { press, controller } = await open();
    let s = await press('l');
    expect(s).toContain('Pick a preset');
    expect(s).toContain('> py2-threads-2cores');
    s = await press('\x1b');
    expect(s).not.toContain('Pick a preset');
    await press('l');
    s = await press('\x1b[A'); // up: py2-threads-1core
    expect(s).toContain('> py2-threads-1core');
    s = await press('\r');
    expect(controller.preset.name).toBe('py2-threads-1core');
    expect(s.split('\n')[0]).toContain('py2-threads-1core');
    expect(s.split('\n')[0]).toContain('1 core ');
  });

  it('keys that arrive in one read each count, an Enter among them too', async () => {
    // A terminal hands over what was typed since its last read in one piece ("k" and Enter typed
    // fast, or sent by tmux): the Enter must load the preset the k moved to.
    const { press, controller } = await open();
    await press('l');
    const s = await press('k\r');
    expect(controller.preset.name).toBe('py2-threads-1core');
    expect(s).not.toContain('Pick a preset');
    // Moves, then Esc cancels: nothing loaded.
    await press('l');
    expect(await press('jj\x1b')).not.toContain('Pick a preset');
    expect(controller.preset.name).toBe('py2-threads-1core');
    // Two moves and Enter: the preset two down from it.
    await press('l');
    await press('jj\r');
    expect(controller.preset.name).toBe('py36-sequential');
  });

  it('? and h show the help from the keymap; Esc and ? close it', async () => {
    const { press } = await open();
    let s = await press('?');
    expect(s).toContain('Help (Esc or ? closes');
    expect(s).toContain('p        cycle py2, py3, free-threaded, priority, bfs (finished: next run)');
    expect(s).toContain('r        record the session, or stop (to gil-top-PRESET-TIME.jsonl here)');
    s = await press('\x1b');
    expect(s).not.toContain('Help (Esc');
    await press('h');
    expect(await press('?')).not.toContain('Help (Esc');
  });

  it('r starts a recording mid-run (REC shows), and stops it', async () => {
    const a = await open();
    expect(await a.press('r')).toContain('recording is not available here: start with gil-top --record FILE');
    closeDashboard();
    let stopped = false;
    const started = await open({ startRecording: () => ({ file: 'mid.jsonl', get finalized() { return stopped; }, finalize: () => { stopped = true; } }) });
    const on = await started.press('r');
    expect(on).toContain('recording to mid.jsonl from t=');
    expect(on.split('\n')[0]).toContain(' REC');
    expect(await started.press('r')).toContain('recording stopped and written to mid.jsonl');
    expect(stopped).toBe(true);
    closeDashboard();
    let finalized = false;
    const b = await open({ record: () => ({ file: 'x.jsonl', get finalized() { return finalized; }, finalize: () => { finalized = true; } }) });
    expect(b.lines()[0]).toContain(' REC');
    const s = await b.press('r');
    expect(s).toContain('recording stopped and written to x.jsonl');
    expect(s.split('\n')[0]).not.toContain('REC');
  });

  it('q and Ctrl+C quit', async () => {
    const a = await open();
    await a.press('q');
    expect(a.controller.quitRequested).toBe(true);
    closeDashboard();
    const b = await open();
    await b.press('\x03');
    expect(b.controller.quitRequested).toBe(true);
  });
});

describe('the dashboard app, sizes', () => {
  it('below the minimum size says what it needs', async () => {
    const { screen } = await open({}, 60, 15);
    expect(screen()).toBe('gil-top needs a terminal of at least 80x21; this one is\n60x15. Enlarge it, or press q to quit.');
  });

  it('never draws more lines than the terminal has, less one', async () => {
    for (const h of [21, 24, 30, 50]) {
      const { lines } = await open({ preset: loadPreset('echo-fib-py3') }, 100, h);
      expect(lines().length, `height ${h}`).toBeLessThanOrEqual(h - 1);
      expect(lines()[0]).toContain('echo-fib-py3');
      expect(lines().at(-1)).toContain('? help');
      closeDashboard();
    }
  });
});

describe('the dashboard app, 80x24', () => {
  it('keeps every panel on its own lines', async () => {
    const { lines, press } = await open({ preset: loadPreset('echo-fib-py3') }, 80, 24);
    await press('m'); // 1 ms in: fib holds the GIL, the server and the main thread (to start fib) are in their timed waits
    const l = lines();
    expect(l.length).toBeLessThanOrEqual(23);
    expect(l[1]).toMatch(/^cpu0\[[| ]*\d+\.\d%\] - +GIL py3 +holder fib +waiters 2$/);
    expect(l[2]).toMatch(/^cpu1\[[| ]*\d+\.\d%\] fib +timed wait +\d\.\d{3} ms \/  5\.000 ms [█░]{9}$/);
    expect(l[6]).toMatch(/^timeline, last 20 ms/);
    expect(l[7]).toMatch(/^echo-server  │.{65}│$/);
    expect(l[11].trimEnd()).toBe(' thread        cpu     GIL held  GIL wait    counter             total');
    expect(l.every((x) => x.length <= 80)).toBe(true);
  });
});

describe('the dashboard app, slow motion', () => {
  it('redraws while simulated time passes with no event (a py3 timed wait counting down)', async () => {
    const { press, lines, controller } = await open({ preset: loadPreset('echo-fib-py3'), speed: 0.001 });
    // Run up to the first timed wait, then watch it count down at 1 simulated ms per wall second.
    // At 0.1 ms the fib thread holds the GIL in one long burst and the server's 5 ms wait has begun:
    // nothing happens for milliseconds.
    controller.driver.advanceTo(100_000);
    expect(controller.driver.sim.snapshot().processes[0].gil.timeoutLeftNs).not.toBeNull();
    const events = controller.driver.sim.events;
    const left = () => /timed wait +([\d.]+) ms/.exec(lines().join('\n'))?.[1];
    await press(' ');
    const first = Number(left());
    await tick(400);
    const second = Number(left());
    expect(controller.driver.sim.events).toBe(events);
    expect(second).toBeLessThan(first - 0.1);
  });
});
