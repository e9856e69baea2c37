/**
 * Dashboard bench: frames per second, the main thread's cost per frame, key-to-frame latency,
 * the engine's slices and the simulated speed, with the CPU time beside the wall time, measured
 * on a real Ink render (the same options as `gil-top`, the engine in its worker thread) into a
 * fake 120x40 terminal with the engine running flat out. Two cases: the default preset, and a machine of 256 cores running
 * 1000 CPU-bound threads (built here, not shipped as a preset). `npm run bench` calls
 * `benchUi()`; run alone with `npx tsx bench/ui.ts`.
 */
import { EventEmitter } from 'node:events';
import { readdirSync, readFileSync } from 'node:fs';
import { median } from '../src/calibrate/stats.js';
import { listPresets, loadPreset, type Preset } from '../src/config/load.js';
import { FLAT_OUT } from '../src/session/live-loop.js';
import { scalePreset } from './scale.js';

class FakeTerminal extends EventEmitter {
  isTTY = true;
  columns = 120;
  rows = 40;
  /** Called with every chunk Ink writes. */
  onWrite: (s: string) => void = () => {};
  write = (s: string) => {
    this.onWrite(s);
    return true;
  };
}

class FakeKeyboard extends EventEmitter {
  isTTY = true;
  private data: string | null = null;
  write(d: string) {
    this.data = d;
    this.emit('readable');
    this.emit('data', d);
  }
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The median, NaN of nothing (a case that drew no frame prints NaN rather than failing the bench). */
const medianOrNaN = (a: number[]) => (a.length === 0 ? NaN : median(a));
/** The nearest-rank percentile `p`, NaN of nothing (as medianOrNaN). */
const pct = (a: number[], p: number) => (a.length === 0 ? NaN : [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))]);
/** The largest, NaN of nothing (as medianOrNaN). */
const maxOrNaN = (a: number[]) => (a.length === 0 ? NaN : Math.max(...a));
// eslint-disable-next-line no-control-regex
const plain = (s: string) => s.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');

/** A dashboard case: a preset whose run lasts well beyond the measurement when flat out. */
interface UiCase {
  /** Short name printed before every figure. */
  label: string;
  preset: Preset;
}

/** The default preset with 200 times the work, so that flat out it is still running when measured. */
function defaultCase(): UiCase {
  const base = loadPreset('py2-threads-2cores');
  return { label: 'py2-threads-2cores x200', preset: { ...base, threads: base.threads.map((t) => ({ ...t, program: t.program.map((op) => (op.op === 'loop' ? { ...op, iterations: op.iterations * 200 } : op)) })) } };
}

/** 256 cores and 1000 threads counting down (CPU-bound, never done within the bench) under `policy`. */
function scaleCase(policy: 'py2' | 'py3'): UiCase {
  return { label: `256 cores x 1000 threads ${policy}`, preset: scalePreset(policy, 256, 1000) };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

/**
 * CPU seconds of each thread of this process (Linux: /proc/self/task), by thread id; empty
 * elsewhere. Per-thread CPU time holds up on a loaded machine, where wall-clock figures do not.
 */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(Number(tid), (Number(f[11]) + Number(f[12])) / 100);
    }
  } catch {
    // Not Linux: no per-thread figures.
  }
  return out;
}

/** CPU seconds since `before`: the main thread's, the busiest other thread's (the engine's worker), and all. */
function cpuSince(before: Map<number, number>): { main: number; engine: number; all: number } {
  const now = threadCpu();
  let engine = 0;
  let all = 0;
  for (const [tid, s] of now) {
    const d = s - (before.get(tid) ?? 0);
    all += d;
    if (tid !== process.pid) engine = Math.max(engine, d);
  }
  return { main: (now.get(process.pid) ?? 0) - (before.get(process.pid) ?? 0), engine, all };
}

async function benchCase(c: UiCase): Promise<{ name: string; value: string }[]> {
  const [{ render }, { createElement }, { App, inkRenderOptions }, { DashboardController }, { WorkerEngine }] = await Promise.all([
    import('ink'),
    import('react'),
    import('../src/tui/app.js'),
    import('../src/tui/controller.js'),
    import('../src/tui/worker-link.js'),
  ]);
  // As gil-top does: the engine in its worker thread.
  const engine = await WorkerEngine.start({ preset: c.preset, speed: FLAT_OUT });
  const controller = new DashboardController({ preset: c.preset, listPresets, engine });
  // Time spent building each frame's rows (timeline, view model).
  const view = controller.view.bind(controller);
  const viewMs: number[] = [];
  controller.view = (w, h) => {
    const t = performance.now();
    const v = view(w, h);
    viewMs.push(performance.now() - t);
    return v;
  };
  // What the engine reports with each frame: its wall time in slices since the last frame.
  let engineMs = 0;
  let slices = 0;
  let simRun = 0;
  let lastRun = engine.latest.run;
  let lastNow = engine.latest.snap.now;
  const onFrame = engine.onFrame;
  /** The core count a key press waits for, and when the engine's frame showing it arrived. */
  let wantCores = -1;
  let engineAt = NaN;
  engine.onFrame = (f, late) => {
    if (f.snap.cores.length === wantCores && Number.isNaN(engineAt)) engineAt = performance.now();
    engineMs += f.engineMs;
    slices += f.slices;
    // Should the run end anyway (or start again), count what it ran and keep the engine busy.
    if (f.run !== lastRun) {
      simRun += lastNow;
      lastRun = f.run;
    }
    lastNow = f.snap.now;
    onFrame(f, late);
    if (f.snap.finished) controller.run('restart');
  };
  const stdout = new FakeTerminal();
  const stdin = new FakeKeyboard();
  const renderMs: number[] = [];
  const frameTimes: number[] = [];
  stdout.onWrite = () => {};
  const app = render(createElement(App, { controller }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    ...inkRenderOptions,
    onRender: (m) => {
      renderMs.push(m.renderTime);
      frameTimes.push(performance.now());
    },
  });
  await sleep(1500);
  renderMs.length = 0;
  viewMs.length = 0;
  engineMs = 0;
  slices = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const threadsStart = threadCpu();
  const eluStart = performance.eventLoopUtilization();
  const framesBefore = frameTimes.length;
  simRun = -lastNow;
  const eventsStart = engine.latest.snap.events;

  // Key to frame: press a key and wait for the first frame that shows its effect.
  const latencies: number[] = [];
  /** Of each: until the engine's frame with the key's effect reached the screen's thread. */
  const engineLatencies: number[] = [];
  /** Presses whose frame never came within 2 s. */
  let lost = 0;
  let lastOut = '';
  const startCores = engine.latest.snap.cores.length;
  // Add a core and remove it again (remove and add at the most cores there can be): the header's
  // core count is the proof the key got through.
  const away = startCores < 256 ? 'C' : 'c';
  for (let i = 0; i < 30; i++) {
    const cores = engine.latest.snap.cores.length;
    const key = cores === startCores ? away : away === 'C' ? 'c' : 'C';
    const want = ` ${key === 'C' ? cores + 1 : cores - 1} cores `;
    const seen = new Promise<number>((resolve) => {
      stdout.onWrite = (s) => {
        lastOut = s;
        if (plain(s).includes(want)) resolve(performance.now());
      };
    });
    wantCores = key === 'C' ? cores + 1 : cores - 1;
    engineAt = NaN;
    const t0 = performance.now();
    stdin.write(key);
    const t1 = await Promise.race([seen, sleep(2000).then(() => NaN)]);
    if (!Number.isNaN(t1)) {
      latencies.push(t1 - t0);
      engineLatencies.push(engineAt - t0);
    }
    else {
      lost++;
      if (process.env.BENCH_DEBUG) console.error('lost', want, JSON.stringify(plain(lastOut).slice(0, 300)));
    }
    stdout.onWrite = () => {};
    await sleep(100 + ((i * 37) % 60));
  }
  const wall = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const perThread = cpuSince(threadsStart);
  const elu = performance.eventLoopUtilization(eluStart);
  const frames = frameTimes.length - framesBefore;
  const simPerWall = (simRun + lastNow) / 1e9 / wall;
  const events = engine.latest.snap.events - eventsStart;
  const engineBusy = engineMs / 1000 / wall;
  app.unmount();
  controller.close();
  const l = c.label;
  return [
    { name: `${l}: frames per second rendered`, value: (frames / wall).toFixed(1) },
    { name: `${l}: main thread CPU per frame (React, layout, output, view model), mean`, value: perThread.main > 0 ? ms((perThread.main * 1000) / frames) : `${ms(elu.active / frames)} (wall)` },
    { name: `${l}: Ink output per frame, median`, value: ms(medianOrNaN(renderMs)) },
    { name: `${l}: view model per frame (timeline, rows), median`, value: ms(medianOrNaN(viewMs)) },
    { name: `${l}: key-to-frame flat out, median / p95 / max`, value: `${ms(medianOrNaN(latencies))} / ${ms(pct(latencies, 0.95))} / ${ms(maxOrNaN(latencies))}` },
    { name: `${l}: of that, key to the engine's answer, median / p95`, value: `${ms(medianOrNaN(engineLatencies))} / ${ms(pct(engineLatencies, 0.95))}` },
    { name: `${l}: key presses not shown within 2 s (of 30)`, value: String(lost) },
    { name: `${l}: engine (worker) slices, mean / busy share of wall time`, value: `${ms(engineMs / Math.max(1, slices))} / ${(engineBusy * 100).toFixed(0)}%` },
    { name: `${l}: simulated s per wall s flat out`, value: `${simPerWall.toFixed(3)} (${(events / wall / 1e6).toFixed(2)} M events/s)` },
    {
      name: `${l}: CPU time: main thread, engine thread, whole process / wall time`,
      value: `${perThread.main.toFixed(2)} s, ${perThread.engine.toFixed(2)} s, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s / ${wall.toFixed(2)} s`,
    },
  ];
}

/** Every dashboard figure, for the default preset and for 256 cores x 1000 threads under py2 and py3. */
export async function benchUi(): Promise<{ name: string; value: string }[]> {
  // As gil-top does: React's production build (NODE_ENV is read when React first loads).
  process.env.NODE_ENV ??= 'production';
  const rows: { name: string; value: string }[] = [];
  // BENCH_UI=default (or scale-py2, scale-py3) runs one case alone, e.g. under --cpu-prof.
  const cases = { default: defaultCase, 'scale-py2': () => scaleCase('py2'), 'scale-py3': () => scaleCase('py3') };
  const only = process.env.BENCH_UI;
  for (const [name, make] of Object.entries(cases)) if (only === undefined || only === name) rows.push(...(await benchCase(make())));
  return rows;
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  for (const r of await benchUi()) console.log(`${r.name.padEnd(84)} ${r.value}`);
  process.exit(0);
}
