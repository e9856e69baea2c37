import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { compareRow } from '../../src/session/parallel-compare.js';
import { runJob } from '../../src/session/parallel-job.js';
import { cli } from '../session/cli-capture.js';

describe('gil-top sweep', () => {
  it('runs each point in parallel and reports it as the same run made alone', async () => {
    const r = await cli('sweep', '--preset', 'echo-fib-py3', '--param', 'switch-interval=0.001,0.004', '--policies', 'py3,py2', '--json');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.params).toEqual([{ name: 'switch-interval', values: [0.001, 0.004] }]);
    const preset = loadPreset('echo-fib-py3');
    const alone = (switchInterval: number, policy: 'py2' | 'py3') => ({ 'switch-interval': switchInterval, ...compareRow(preset, runJob({ preset, overrides: { policy, switchInterval } })) });
    expect(out.points).toEqual([alone(0.001, 'py3'), alone(0.001, 'py2'), alone(0.004, 'py3'), alone(0.004, 'py2')]);
    // The echo server under py3 waits for the switch interval: four times the interval, four times the latency.
    expect(out.points[2].latency.p50 / out.points[0].latency.p50).toBeGreaterThan(3);
  });

  it('plots one parameter with its x range and a legend, then a table of every point', async () => {
    const r = await cli('sweep', '--preset', 'py2-threads-1core', '--param', 'check-interval=10..1000', '--steps', '3', '--log', '--policies', 'py2,py3');
    expect(r.code).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('py2-threads-1core: completion, simulated s, against check-interval (log steps); py2, py3; seed 1, profile article-vm');
    expect(lines.filter((l) => /[┤┼]/.test(l))).toHaveLength(13);
    expect(lines.find((l) => l.includes('check-interval (log steps)') && l.trim().startsWith('10 '))).toMatch(/1000$/);
    expect(lines).toContain('           ── py2   ── py3');
    expect(lines.filter((l) => /^(10|100|1000)\s+py[23]\s/.test(l))).toHaveLength(6);
  });

  it('gives two parameters as a table per policy, and CSV for a notebook', async () => {
    const t = await cli('sweep', '--preset', 'py2-threads-1core', '--param', 'check-interval=10,1000', '--param', 'switch-interval=0.001,0.005', '--policies', 'py2,py3');
    const lines = t.stdout.split('\n');
    expect(lines.slice(2, 6)).toEqual(['py2:', 'check-interval \\ switch-interval  0.001  0.005', expect.stringMatching(/^10 +\d\.\d{3} +\d\.\d{3}$/), expect.stringMatching(/^1000 +\d\.\d{3} +\d\.\d{3}$/)]);
    // More checks, more overhead: check interval 10 is slower than 1000 (the switch interval does not matter to py2).
    const seconds = (l: string) => Number(l.trim().split(/ +/)[1]);
    expect(seconds(lines[4])).toBeGreaterThan(seconds(lines[5]));
    expect(lines[7]).toBe('py3:');
    const c = await cli('sweep', '--preset', 'py2-threads-1core', '--param', 'check-interval=10,1000', '--csv');
    const rows = c.stdout.trim().split('\n');
    expect(rows[0]).toBe('check_interval,policy,finished,completion_s,latency_p50_s,latency_p99_s,latency_max_s,cpu_thread_progress,wakeups,spurious_wakeups,syscalls,gil_switches');
    expect(rows.slice(1).map((l) => l.split(',').slice(0, 3).join(','))).toEqual(['10,py2,true', '1000,py2,true']);
  });

  it.each([
    [['--param', 'nope=1..2'], '--param nope=1..2: unknown parameter "nope" (known: switch-interval, check-interval, cores, threads, processes)'],
    [['--param', 'cores=4..1'], '--param cores=4..1: the range is empty (4 is not below 1)'],
    [['--param', 'cores=1..300'], '--param cores=1..300: 300 is out of range for cores (1 to 256)'],
    [['--param', 'switch-interval=0.001..1', '--steps', '600'], 'sweep: 600 points x 1 policy = 600 runs, more than 500; use fewer --steps'],
    [['--param', 'cores=1,2', '--policies', 'py2,gil9'], '--policies: unknown policy "gil9" (known: py2, py3, free-threaded, priority, bfs)'],
    [['--param', 'cores=1,2', '--cores', '2'], '--cores and --param cores: give one'],
    [[], 'sweep needs --param NAME=LO..HI (e.g. --param switch-interval=0.0001..0.02)'],
  ])('refuses %j with one line and status 2', async (args, message) => {
    const r = await cli('sweep', '--preset', 'echo-fib-py3', ...args);
    expect([r.code, r.stderr, r.stdout]).toEqual([2, `gil-top: ${message}\n`, '']);
  });

  // Forty-one two-core Python 2 battles at check intervals of 10 to 50 take a minute or more: Ctrl+C comes long before.
  it('prints the points done so far when interrupted with Ctrl+C, and exits 130', async () => {
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const child = spawn(process.execPath, ['--import', 'tsx', main, 'sweep', '--preset', 'py2-threads-2cores', '--param', 'check-interval=10..50', '--steps', '41', '--csv'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    setTimeout(() => child.kill('SIGINT'), 4000);
    const code = await new Promise((res) => child.on('exit', res));
    expect(code).toBe(130);
    const m = /interrupted: (\d+) of 41 points done, shown below/.exec(stderr);
    expect(m, stderr).not.toBeNull();
    const n = Number(m![1]);
    expect(n).toBeLessThan(41);
    expect(stdout.trim().split('\n')).toHaveLength(n + 1);
  });
});
