/**
 * Dashboard bench: frame time and key-to-frame latency, measured on a real Ink render (the
 * same options as `gil-top`: 30 frames a second at most) into a fake 120x40 terminal, with the
 * engine running flat out on the busiest preset. `npm run bench` calls `benchUi()`; run alone
 * with `npx tsx bench/ui.ts`.
 */
import { EventEmitter } from 'node:events';
import { listPresets, loadPreset } from '../src/config/load.js';
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

export async function benchUi(): Promise<{ name: string; value: string }[]> {
  // As gil-top does: React's production build (NODE_ENV is read when React first loads).
  process.env.NODE_ENV ??= 'production';
  const [{ render }, { createElement }, { App }, { DashboardController }] = await Promise.all([import('ink'), import('react'), import('../src/tui/app.js'), import('../src/tui/controller.js')]);
  // The default preset with 20 times the work, so that flat out it is still running when measured.
  const base = loadPreset('py2-threads-2cores');
  const preset = { ...base, threads: base.threads.map((t) => ({ ...t, program: t.program.map((op) => (op.op === 'loop' ? { ...op, iterations: op.iterations * 20 } : op)) })) };
  const controller = new DashboardController({ preset, speed: FLAT_OUT, listPresets });
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
    maxFps: 30,
    onRender: (m) => {
      renderMs.push(m.renderTime);
      frameTimes.push(performance.now());
    },
  });
  await sleep(1500);
  const wallStart = performance.now();
  const framesBefore = frameTimes.length;
  simRun = -controller.driver.sim.now;

  // Key to frame: press a key and wait for the first frame that shows its effect.
  const latencies: number[] = [];
  /** Presses whose frame never came within 2 s (a restart can reset the policy in between). */
  let lost = 0;
  let lastOut = '';
  for (let i = 0; i < 30; i++) {
    let t0 = 0;
    const seen = new Promise<number>((resolve) => {
      stdout.onWrite = (s) => {
        lastOut = s;
        if (plain(s).includes(want)) resolve(performance.now());
      };
    });
    // Add a core, then remove it: the header's core count is the proof the key got through.
    const cores = controller.driver.sim.snapshot().cores.length;
    const key = cores === 2 ? 'C' : 'c';
    const want = ` ${key === 'C' ? cores + 1 : cores - 1} cores `;
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
  const fps = (frameTimes.length - framesBefore) / wall;
  const simPerWall = (simRun + controller.driver.sim.now) / 1e9 / wall;
  app.unmount();
  controller.close();
  const ms = (x: number) => `${x.toFixed(2)} ms`;
  return [
    { name: 'ui: frame render (Ink layout+output), median', value: ms(median(renderMs)) },
    { name: 'ui: frame rows (snapshot+timeline+view model), median', value: ms(median(viewMs)) },
    { name: 'ui: engine slice per frame, median / max', value: `${ms(median(sliceMs))} / ${ms(Math.max(...sliceMs))}` },
    { name: 'ui: key-to-frame latency flat out, median / p95 / max', value: `${ms(median(latencies))} / ${ms(pct(latencies, 0.95))} / ${ms(Math.max(...latencies))}` },
    { name: 'ui: frames per second rendered', value: fps.toFixed(1) },
    { name: 'ui: key presses not reflected within 2 s (of 30)', value: String(lost) },
    { name: 'ui: simulated s per wall s flat out (py2-threads-2cores x20)', value: simPerWall.toFixed(3) },
  ];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  for (const r of await benchUi()) console.log(`${r.name.padEnd(60)} ${r.value}`);
  process.exit(0);
}
