import { render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { App } from '../../src/tui/app.js';
import { bucketMeans, compareViewModel, perRequestMs } from '../../src/tui/components/compare-view.js';
import { DashboardController } from '../../src/tui/controller.js';
import { bindingFor } from '../../src/tui/keymap.js';
import { BackgroundCompare } from '../../src/session/parallel-compare.js';
import { runJob, type RunJob } from '../../src/session/parallel-job.js';
import type { ParallelOptions, ParallelOutcome } from '../../src/session/parallel.js';
import { plain, tick } from './ink-helpers.js';

/** Runs the jobs in this thread, one a tick, as the worker threads would report them. */
async function inThread(jobs: RunJob[], opts: ParallelOptions): Promise<ParallelOutcome> {
  const results: ParallelOutcome['results'] = [];
  for (const [index, job] of jobs.entries()) {
    await tick(1);
    if (opts.signal?.aborted) return { results, interrupted: true };
    const result = runJob(job);
    results[index] = result;
    opts.onProgress?.({ done: index + 1, total: jobs.length, running: 0, index, result });
  }
  return { results, interrupted: false };
}

const settle = async (c: BackgroundCompare) => {
  for (let i = 0; i < 200 && c.state === 'running'; i++) await tick(20);
};

let app: ReturnType<typeof render> | null = null;
afterEach(() => {
  app?.unmount();
  app = null;
});

describe('the compare view', () => {
  it('spreads a latency series over requests and averages it into columns', () => {
    expect(perRequestMs({ requests: [1, 3, 4], latencyNs: [1e6, 3e6, 4e6] })).toEqual([1, 3, 3, 4]);
    expect(bucketMeans([1, 3, 3, 4], 4, 2)).toEqual([2, 3.5]);
    expect(bucketMeans([1, 3], 4, 2)).toEqual([2]); // a shorter curve ends early on the common axis
  });

  it('overlays one latency curve per policy with a legend, above the comparison table', async () => {
    const preset = loadPreset('echo-fib-py3');
    const c = new BackgroundCompare(preset, ['py2', 'py3'], { cores: 2, seed: '1' }, () => {}, inThread);
    expect(compareViewModel(c, 100, 30, false).status).toMatch(/^running: 0 of 2 done/);
    await settle(c);
    const v = compareViewModel(c, 100, 30, false);
    expect(v.status).toMatch(/^done/);
    expect(v.legend).toEqual([
      { label: 'py2', color: 'blue' },
      { label: 'py3', color: 'red' },
    ]);
    // py3 waits for switch intervals, py2 does not: a hundredfold apart, so the axis is logarithmic.
    expect(v.chartTitle).toBe('client latency, ms (log scale), by request: 1 to 1,000 (mean per column)');
    expect(v.chart.length).toBe(30 - 3 - 3 - 2);
    expect(v.table[0]).toMatch(/^policy +done s +p50 ms +p99 ms +max ms +cpu s\/s +wake-ups +in vain +GIL sw$/);
    expect(v.table.slice(1).map((l) => l.split(/ +/)[0])).toEqual(['py2', 'py3']);
    const withColour = compareViewModel(c, 100, 30, true).chart.join('\n');
    expect(withColour).toContain('\x1b[34m');
    expect(withColour).toContain('\x1b[31m');
  });

  it('says when the preset has no client to draw', async () => {
    const c = new BackgroundCompare(loadPreset('py2-threads-1core'), ['py2', 'free-threaded'], { cores: 1, seed: '1' }, () => {}, inThread);
    await settle(c);
    const v = compareViewModel(c, 100, 30, false);
    expect([v.chartTitle, v.chart, v.table.length]).toEqual(['no client in this preset: no latency curve', [], 3]);
  });

  it('opens on v with the current settings, runs in the background while the dashboard goes on, and closes on v or Esc', async () => {
    expect(bindingFor({ input: 'v' })?.action).toBe('compare');
    const controller = new DashboardController({ preset: loadPreset('echo-fib-py3'), overrides: { cores: 1 }, speed: 0.01, compareRunner: inThread });
    app = render(<App controller={controller} width={100} height={40} frameMs={20} />);
    await tick();
    app.stdin.write('v');
    for (let i = 0; i < 40 && !plain(app.lastFrame()).includes('compare: '); i++) await tick(50);
    expect(plain(app.lastFrame())).toContain('compare: echo-fib-py3 under py2, py3, free-threaded, priority, bfs (1 core, seed 1;');
    const t0 = controller.driver.sim.now;
    // Until the last policy's row is in and the dashboard's clock has moved on (on a loaded
    // machine the compare's runs, here in this thread, may all be done before the next frame).
    for (let i = 0; i < 100 && (!plain(app.lastFrame()).includes('free-threaded  ') || controller.driver.sim.now <= t0); i++) await tick(50);
    const screen = plain(app.lastFrame());
    expect(screen).toContain('── py2   ── py3   ── free-threaded');
    expect(screen).toMatch(/\n│ free-threaded +\d/);
    expect(controller.driver.sim.now).toBeGreaterThan(t0);
    const shown = async (yes: boolean) => {
      // A loaded machine may take a few frames to draw the key.
      for (let i = 0; i < 40 && plain(app!.lastFrame()).includes('compare: echo-fib-py3') !== yes; i++) await tick(50);
      return plain(app!.lastFrame()).includes('compare: echo-fib-py3');
    };
    app.stdin.write('\x1b');
    expect(await shown(false)).toBe(false);
    app.stdin.write('v');
    expect(await shown(true)).toBe(true);
    app.stdin.write('v');
    expect(await shown(false)).toBe(false);
  });
});
