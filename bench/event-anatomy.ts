/**
 * Where an event's time goes on a two-core Python 2 battle (the README's Speed section), run alone
 * with `npx tsx bench/event-anatomy.ts [preset]`: what the engine costs with nothing else to do
 * (take an event off the queue, run its handler, schedule the next: the floor of any event), what
 * a jittered cost costs, and each kind of event of the preset timed one by one (a clock read
 * around each, its own cost taken off: the figures are a little high, their order is what counts).
 * An event costs less where the Python 2 battle fold runs it (battle-fold.ts): the preset's cost
 * per event is given both ways; the kinds are timed stepping, one event through the queue at a time.
 * Beside them, what issue 11's speed target leaves for one of the preset's events, and the least
 * any exact replay of it does: two burst ends taken in turn with the preset's random draws, and
 * nothing of the model (see `skeleton`).
 */
import { createCounters } from '../src/engine/counters.js';
import { Engine } from '../src/engine/engine.js';
import { Rng } from '../src/engine/rng.js';
import { median } from '../src/calibrate/stats.js';
import { configFor, loadPreset, type Preset } from '../src/config/load.js';
import { Simulation } from '../src/model/simulation.js';
import { Kernel } from '../src/os/kernel.js';
import { speedTarget } from './targets.js';

const cpuNs = (f: () => number): number => {
  const c0 = process.cpuUsage();
  const n = f();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / n;
};

/** Two hot keys taking turns: pop, handler, schedule; with a jittered cost when `draw`. */
function floor(draw: boolean): number {
  const e = new Engine(createCounters(), new Rng('1', 0.2));
  const keys = [e.queue.newKey(true), e.queue.newKey(true)];
  const kind: number = e.on((t) => e.schedule(keys[t], e.now + (draw ? e.cost(1000) : 1000 + t), kind, t));
  e.schedule(keys[0], 10, kind, 0);
  e.schedule(keys[1], 15, kind, 1);
  return cpuNs(() => e.runUntil(Infinity, 5e6));
}

function jitteredCost(): number {
  const r = new Rng('1', 0.2);
  let acc = 0;
  const ns = cpuNs(() => {
    for (let i = 0; i < 5e6; i++) acc += r.cost(1000 + (i & 7));
    return 5e6;
  });
  if (acc <= 0) throw new Error('unreachable');
  return ns;
}

/** How many random draws `preset`'s run makes, and its events and simulated seconds. */
function draws(preset: Preset): { draws: number; events: number; seconds: number; jitter: number } {
  const proto = Rng.prototype;
  const original = proto.cost;
  let n = 0;
  proto.cost = function (this: Rng, ns: number) {
    if (ns > 0 && this.jitter !== 0) n++;
    return original.call(this, ns);
  };
  try {
    const sim = new Simulation(configFor(preset));
    sim.runUntil(3600e9);
    return { draws: n, events: sim.events, seconds: sim.finishedAt / 1e9, jitter: sim.profile.jitter };
  } finally {
    proto.cost = original;
  }
}

/**
 * The least an exact replay of a two-thread battle does per event, with no queue and no books:
 * take the earlier of two burst ends, count it, draw its jittered length (`perEvent` draws an
 * event, spread evenly; none when 0) and move the clock. Nothing else of the model: no
 * semaphore, GIL, kernel accounting, counters beyond the events, or trace.
 */
function skeleton(perEvent: number, events: number, jitter: number): number {
  const r = new Rng('1', jitter);
  return cpuNs(() => {
    let a = 0;
    let b = 500;
    let now = 0;
    let owed = 0;
    for (let n = 0; n < events; n++) {
      owed += perEvent;
      const draw = owed >= 1;
      if (draw) owed -= 1;
      if (a <= b) {
        now = a;
        a = now + (draw ? r.cost(2000) : 2000);
      } else {
        now = b;
        b = now + (draw ? r.cost(2100) : 2100);
      }
    }
    if (now <= 0) throw new Error('unreachable');
    return events;
  });
}

/** Each kind of burst end of `preset` (named by its continuation), timed one by one. */
function kinds(preset: Preset): { kind: string; count: number; ns: number }[] {
  const now = process.hrtime.bigint;
  const proto = Kernel.prototype as unknown as { onBurstEnd(this: { tasks: { next: { name: string } | null }[] }, id: number): void };
  const original = proto.onBurstEnd;
  const total = new Map<string, number>();
  const count = new Map<string, number>();
  proto.onBurstEnd = function (id) {
    const kind = this.tasks[id].next?.name ?? '?';
    const t0 = now();
    original.call(this, id);
    const d = Number(now() - t0);
    total.set(kind, (total.get(kind) ?? 0) + d);
    count.set(kind, (count.get(kind) ?? 0) + 1);
  };
  try {
    for (let r = 0; r < 3; r++) {
      total.clear();
      count.clear();
      const sim = new Simulation(configFor(preset));
      sim.fastPaths = false;
      sim.runUntil(3600e9);
    }
  } finally {
    proto.onBurstEnd = original;
  }
  let clock = 0;
  for (let i = 0; i < 1e6; i++) {
    const a = now();
    clock += Number(now() - a);
  }
  clock /= 1e6;
  return [...count].map(([kind, n]) => ({ kind, count: n, ns: total.get(kind)! / n - clock })).sort((a, b) => b.count - a.count);
}

const preset = loadPreset(process.argv[2] ?? 'py2-threads-2cores');
const runs = 5;
// The first two runs are slower while the compiler settles (about 125 against 85 ns an event here).
const perEvent = (fast: boolean) =>
  median(
    Array.from({ length: runs }, () => {
      const sim = new Simulation(configFor(preset));
      sim.fastPaths = fast;
      return cpuNs(() => {
        sim.runUntil(3600e9);
        return sim.events;
      });
    }).slice(2),
  );
console.log(`${preset.name}: ${perEvent(true).toFixed(1)} ns per event (median of ${runs} runs, the first two slower while the compiler settles), ${perEvent(false).toFixed(1)} stepping (the battle fold off)`);
// The floor's own handlers run after the preset: ahead of it they would make the engine's
// handler call polymorphic and the preset slower than it is.
console.log(`engine floor (pop, handler, schedule), ns per event: ${median(Array.from({ length: runs }, () => floor(false))).toFixed(1)}`);
console.log(`the same with a jittered cost drawn, ns per event: ${median(Array.from({ length: runs }, () => floor(true))).toFixed(1)}`);
console.log(`a jittered cost alone, ns: ${median(Array.from({ length: runs }, jitteredCost)).toFixed(1)}`);
// What the speed target leaves for an event of this preset, against the least any exact replay does.
const counted = draws(preset);
const target = speedTarget(preset, counted.seconds);
const budget = ((target.seconds / target.factor) * 1e9) / counted.events;
const perDraw = counted.draws / counted.events;
console.log(
  `target ${target.factor}x its ${target.against} ${Number(target.seconds.toFixed(3))} s: ${budget.toFixed(1)} ns per event for its ${counted.events.toLocaleString('en-US')} events (${(1e3 / budget).toFixed(1)} M a CPU second)`,
);
console.log(
  `the least an exact replay does (two burst ends in turn, ${perDraw.toFixed(2)} draws an event, no queue, no books), ns per event: ${median(Array.from({ length: runs }, () => skeleton(perDraw, counted.events, counted.jitter))).toFixed(1)}; without the draws: ${median(Array.from({ length: runs }, () => skeleton(0, counted.events, counted.jitter))).toFixed(1)}`,
);
console.log('kind of event (continuation)   events      ns each, timed one by one');
for (const k of kinds(preset).filter((k) => k.count > 100)) console.log(`${k.kind.padEnd(30)} ${String(k.count).padStart(9)} ${k.ns.toFixed(1).padStart(10)}`);
