/**
 * Dashboard bench: frames per second, the main thread's cost per frame, key-to-frame latency,
 * the engine's slices and the simulated speed, with the CPU time beside the wall time, measured
 * on a real Ink render (the same options as `gil-top`) into a fake 120x40 terminal with the
 * engine running flat out. Two cases: the default preset, and a machine of 256 cores running
 * 1000 CPU-bound threads (built here, not shipped as a preset). `npm run bench` calls
 * `benchUi()`; run alone with `npx tsx bench/ui.ts`.
 */
import { EventEmitter } from 'node:events';
import { listPresets, loadPreset, type Preset } from '../src/config/load.js';
import { FLAT_OUT } from '../src/session/live-loop.js';

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
const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const pct = (a: number[], p: number) => [...a].sort((x, y) => x - y)[Math.min(a.length - 1, Math.floor(p * a.length))];
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
  const base = loadPreset('py2-threads-2cores');
  const threads = Array.from({ length: 1000 }, (_, i) => ({ name: `t${i + 1}`, program: [{ op: 'loop' as const, kind: 'countdown', iterations: 1e12 }] }));
  return { label: `256 cores x 1000 threads ${policy}`, preset: { ...base, name: `scale-256x1000-${policy}`, title: '256 cores, 1000 CPU-bound threads', policy, cores: 256, threads } };
}

const ms = (x: number) => `${x.toFixed(2)} ms`;

async function benchCase(c: UiCase): Promise<{ name: string; value: string }[]> {
  const [{ render }, { createElement }, { App, inkRenderOptions }, { DashboardController }] = await Promise.all([import('ink'), import('react'), import('../src/tui/app.js'), import('../src/tui/controller.js')]);
  const controller = new DashboardController({ preset: c.preset, speed: FLAT_OUT, listPresets });
  // Time spent building each frame's rows (snapshot, timeline, view model).
  const view = controller.view.bind(controller);
  const viewMs: number[] = [];
  controller.view = (w, h, wall) => {
    const t = performance.now();
    const v = view(w, h, wall);
    viewMs.push(performance.now() - t);
    return v;
  };
  const slice = controller.slice.bind(controller);
  const sliceMs: number[] = [];
  let simRun = 0;
  controller.slice = () => {
    if (controller.driver.sim.finished) {
      // Should the run end anyway, start it again so that the engine stays busy.
      simRun += controller.driver.sim.now;
      controller.run('restart');
    }
    const t = performance.now();
    const moved = slice();
    sliceMs.push(performance.now() - t);
    return moved;
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
  sliceMs.length = 0;
  const wallStart = performance.now();
  const cpuStart = process.cpuUsage();
  const eluStart = performance.eventLoopUtilization();
  const framesBefore = frameTimes.length;
  simRun = -controller.driver.sim.now;
  const eventsStart = controller.driver.sim.events;

  // Key to frame: press a key and wait for the first frame that shows its effect.
  const latencies: number[] = [];
  /** Presses whose frame never came within 2 s (a restart can reset the policy in between). */
  let lost = 0;
  let lastOut = '';
  const startCores = controller.driver.sim.snapshot().cores.length;
  // Add a core and remove it again (remove and add at the most cores there can be): the header's
  // core count is the proof the key got through.
  const away = startCores < 256 ? 'C' : 'c';
  for (let i = 0; i < 30; i++) {
    let t0 = 0;
    const cores = controller.driver.sim.snapshot().cores.length;
    const key = cores === startCores ? away : away === 'C' ? 'c' : 'C';
    const want = ` ${key === 'C' ? cores + 1 : cores - 1} cores `;
    const seen = new Promise<number>((resolve) => {
      stdout.onWrite = (s) => {
        lastOut = s;
        if (plain(s).includes(want)) resolve(performance.now());
      };
    });
    t0 = performance.now();
    stdin.write(key);
    const t1 = await Promise.race([seen, sleep(2000).then(() => NaN)]);
    if (!Number.isNaN(t1)) latencies.push(t1 - t0);
    else {
      lost++;
      if (process.env.BENCH_DEBUG) console.error('lost', want, JSON.stringify(plain(lastOut).slice(0, 300)), controller.driver.sim.policy, controller.driver.sim.finished);
    }
    stdout.onWrite = () => {};
    await sleep(100 + ((i * 37) % 60));
  }
  const wall = (performance.now() - wallStart) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const elu = performance.eventLoopUtilization(eluStart);
  const frames = frameTimes.length - framesBefore;
  const simPerWall = (simRun + controller.driver.sim.now) / 1e9 / wall;
  const events = controller.driver.sim.events - eventsStart;
  app.unmount();
  controller.close();
  const l = c.label;
  return [
    { name: `${l}: frames per second rendered`, value: (frames / wall).toFixed(1) },
    { name: `${l}: main thread per frame (React, layout, output, view model), mean`, value: ms((elu.active / frames)) },
    { name: `${l}: Ink output per frame, median`, value: ms(median(renderMs)) },
    { name: `${l}: view model per frame (snapshot, timeline, rows), median`, value: ms(median(viewMs)) },
    { name: `${l}: key-to-frame flat out, median / p95 / max`, value: `${ms(median(latencies))} / ${ms(pct(latencies, 0.95))} / ${ms(Math.max(...latencies))}` },
    { name: `${l}: key presses not shown within 2 s (of 30)`, value: String(lost) },
    { name: `${l}: engine slice, median / max`, value: `${ms(median(sliceMs))} / ${ms(Math.max(...sliceMs))}` },
    { name: `${l}: simulated s per wall s flat out`, value: `${simPerWall.toFixed(3)} (${(events / wall / 1e6).toFixed(2)} M events/s)` },
    { name: `${l}: CPU time / wall time`, value: `${((cpu.user + cpu.system) / 1e6).toFixed(2)} s / ${wall.toFixed(2)} s (main thread busy ${(elu.utilization * 100).toFixed(0)}%)` },
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
