/**
 * Dashboard bench: frame time and key-to-frame latency, measured on a real Ink render (the
 * same options as `gil-top`: 30 frames a second at most) into a fake 120x40 terminal, with the
 * engine running flat out on the busiest preset. `npm run bench` calls `benchUi()`; run alone
 * with `npx tsx bench/ui.ts`.
 */
import { EventEmitter } from 'node:events';
import { render } from 'ink';
import { createElement } from 'react';
import { listPresets, loadPreset } from '../src/config/load.js';
import { policyNames } from '../src/policies/policy.js';
import { FLAT_OUT } from '../src/session/live-loop.js';
import { App } from '../src/tui/app.js';
import { DashboardController } from '../src/tui/controller.js';

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
  const controller = new DashboardController({ preset: loadPreset('py2-threads-2cores'), speed: FLAT_OUT, listPresets });
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
      // Flat out, a run ends in about a second: start it again so that the engine stays busy.
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
  stdout.onWrite = () => frameTimes.push(performance.now());
  const app = render(createElement(App, { controller }), {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    exitOnCtrlC: false,
    patchConsole: false,
    maxFps: 30,
    onRender: (m) => renderMs.push(m.renderTime),
  });
  await sleep(1500);
  const wallStart = performance.now();
  const framesBefore = frameTimes.length;
  simRun = -controller.driver.sim.now;

  // Key to frame: press p (next policy) and wait for the first frame whose header shows it.
  const latencies: number[] = [];
  for (let i = 0; i < 30; i++) {
    let t0 = 0;
    const seen = new Promise<number>((resolve) => {
      stdout.onWrite = (s) => {
        const now = performance.now();
        frameTimes.push(now);
        if (plain(s).includes(want)) resolve(now);
      };
    });
    const want = `policy ${policyNames[(policyNames.indexOf(controller.driver.sim.policy) + 1) % policyNames.length]} `;
    t0 = performance.now();
    stdin.write('p');
    const t1 = await Promise.race([seen, sleep(2000).then(() => NaN)]);
    latencies.push(t1 - t0);
    stdout.onWrite = () => frameTimes.push(performance.now());
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
    { name: 'ui: frames per second written', value: fps.toFixed(1) },
    { name: 'ui: simulated s per wall s flat out (py2-threads-2cores)', value: simPerWall.toFixed(3) },
  ];
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*\/bench\//, '/bench/'))) {
  for (const r of await benchUi()) console.log(`${r.name.padEnd(60)} ${r.value}`);
  process.exit(0);
}
