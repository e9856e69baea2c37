import { z } from 'zod';
import { fmt, median, min } from '../stats.js';
import { noteSkips, put, records, type FitContext } from './figures.js';

const oneway = z.object({ python: z.string(), cpus: z.array(z.number()), gap_us: z.number(), latency_ns: z.array(z.number()), wake_call_ns: z.array(z.number()), woken: z.array(z.number()) });
const nowait = z.object({ python: z.string(), hops: z.number().positive(), seconds: z.array(z.number().positive()).min(1), wake_empty_call_ns: z.array(z.number()).min(1), clock_ns: z.array(z.number()).min(1) });
const hops = z.object({ python: z.string(), cpus: z.array(z.number()), hops: z.number().positive(), seconds: z.array(z.number().positive()).min(1) });

/** A latency curve over idle gaps with a cliff: below it the core polled, from it on it halted. */
export function findCliff(points: { gapUs: number; medianNs: number }[]): { shallowIdleNs: number | null; below: number[]; above: number[] } {
  const pts = [...points].sort((a, b) => a.gapUs - b.gapUs);
  const lo = pts[0].medianNs;
  const hi = pts[pts.length - 1].medianNs;
  if (pts.length < 2 || hi < lo * 1.5) return { shallowIdleNs: null, below: pts.map((p) => p.gapUs), above: [] };
  const threshold = (lo + hi) / 2;
  const first = pts.findIndex((p) => p.medianNs >= threshold);
  const shallow = first === 0 ? pts[0].gapUs : Math.sqrt(pts[first - 1].gapUs * pts[first].gapUs);
  return { shallowIdleNs: Math.round(shallow * 1000), below: pts.slice(0, first).map((p) => p.gapUs), above: pts.slice(first).map((p) => p.gapUs) };
}

/**
 * Wake-ups and context switches from the futex ping-pong: `switch.hopNoWait`, `switch.hop1cpu`,
 * `switch.hop2cpu`, `switch.contextSwitch` (a hop on one CPU minus a hop without a sleep),
 * `wake.oneway.GAP` (wake-to-running after GAP us of idle), `wake.shallowLatency`,
 * `wake.deepLatency` and `wake.shallowIdle` (from the curve's cliff), `wake.futexWakeSleeper`.
 */
export function fitPingpong(ctx: FitContext): void {
  noteSkips(ctx, 'pingpong');
  const nw = records(ctx, 'pingpong', 'nowait', nowait)[0];
  if (nw === undefined) return;
  const py = nw.run.python;
  const hopNoWait = (min(nw.rec.seconds) / nw.rec.hops) * 1e9;
  put(ctx, 'switch.hopNoWait', Math.round(hopNoWait), `pingpong.py under ${py}, one process: a write, FUTEX_WAKE with nobody asleep, FUTEX_WAIT returning EAGAIN and a clock read: ${fmt(hopNoWait)} ns per hop (fastest of ${nw.rec.seconds.length} batches of ${fmt(nw.rec.hops)})`);
  const clock = median(nw.rec.clock_ns);
  for (const [name, label] of [
    ['pingpong_1cpu', 'hop1cpu'],
    ['pingpong_2cpu', 'hop2cpu'],
  ] as const)
    for (const { rec } of records(ctx, 'pingpong', name, hops)) {
      const hop = (min(rec.seconds) / rec.hops) * 1e9;
      put(ctx, `switch.${label}`, Math.round(hop), `pingpong.py under ${py}: two processes on CPU${rec.cpus[0] === rec.cpus[1] ? ` ${rec.cpus[0]}` : `s ${rec.cpus.join(' and ')}`} waking each other through futexes: ${fmt(hop)} ns per hop (fastest of ${rec.seconds.length} batches of ${fmt(rec.hops)}; median batch ${fmt((median(rec.seconds) / rec.hops) * 1e9)})`);
    }
  const hop1 = ctx.m['switch.hop1cpu'];
  if (hop1 !== undefined) {
    const cs = hop1.value - hopNoWait;
    if (cs > 0) put(ctx, 'switch.contextSwitch', Math.round(cs), `pingpong.py under ${py}: a hop between two processes on one CPU (${fmt(hop1.value)} ns) minus the same hop without a sleep (${fmt(hopNoWait)} ns): the switch and the wake-up path of the scheduler`);
    else ctx.notes.push(`pingpong under ${py}: a hop on one CPU (${fmt(hop1.value)} ns) is not slower than one without a sleep (${fmt(hopNoWait)} ns): no context-switch figure`);
  }

  // One-way wake-ups by idle gap. What the wakee pays besides the wake-up latency: the return
  // from futex_wait and the ctypes call around it, and a clock read.
  const ctypesCall = ctx.m['syscalls.ctypesCall']?.value ?? 0;
  const waitReturn = ctx.m['syscalls.futexWaitReturn']?.value ?? 0;
  const overhead = ctypesCall + waitReturn + clock;
  const overheadWhy = `minus ${fmt(overhead)} ns for the ctypes call (${fmt(ctypesCall)}), the return from futex_wait (${fmt(waitReturn)}) and a clock read (${fmt(clock)})`;
  const points: { gapUs: number; medianNs: number; samples: number[]; calls: number[] }[] = [];
  for (const { rec } of records(ctx, 'pingpong', 'oneway', oneway)) {
    const samples = rec.latency_ns.filter((_, i) => rec.woken[i] === 1);
    const calls = rec.wake_call_ns.filter((_, i) => rec.woken[i] === 1);
    if (samples.length < Math.max(3, rec.latency_ns.length / 4)) {
      ctx.notes.push(`pingpong under ${py}: at a gap of ${rec.gap_us} us only ${samples.length} of ${rec.latency_ns.length} wakes found the other process asleep`);
      continue;
    }
    const med = median(samples);
    points.push({ gapUs: rec.gap_us, medianNs: med, samples, calls });
    put(ctx, `wake.oneway.${rec.gap_us}`, Math.round(med - overhead), `pingpong.py under ${py}: ${samples.length} wakes of a process asleep on another CPU whose CPU idled ${rec.gap_us} us: median ${fmt(med)} ns from the waker's write to the wakee's clock read (fastest ${fmt(min(samples))}), ${overheadWhy}`);
  }
  if (points.length === 0) return;
  const cliff = findCliff(points);
  const pooled = (gaps: number[]) => median(points.filter((p) => gaps.includes(p.gapUs)).flatMap((p) => p.samples)) - overhead;
  const gapsText = (gaps: number[]) => gaps.map((g) => `${g}`).join(', ') + ' us';
  if (cliff.shallowIdleNs === null) {
    const all = points.map((p) => p.gapUs);
    ctx.notes.push(`pingpong under ${py}: no cliff in the wake-up latency over idle gaps of ${gapsText(all)} (the longest gap is under 1.5x the shortest): shallow and deep idle are not told apart`);
    put(ctx, 'wake.shallowLatency', Math.round(pooled(all)), `pingpong.py under ${py}: pooled median wake-up over idle gaps of ${gapsText(all)}, with no cliff between them, ${overheadWhy}`);
  } else {
    put(ctx, 'wake.shallowLatency', Math.round(pooled(cliff.below.length > 0 ? cliff.below : [points[0].gapUs])), `pingpong.py under ${py}: pooled median wake-up of a process on another CPU idle for ${gapsText(cliff.below.length > 0 ? cliff.below : [points[0].gapUs])} (before the latency's cliff), ${overheadWhy}`);
    put(ctx, 'wake.deepLatency', Math.round(pooled(cliff.above)), `pingpong.py under ${py}: pooled median wake-up of a process on another CPU idle for ${gapsText(cliff.above)} (past the latency's cliff), ${overheadWhy}`);
    put(ctx, 'wake.shallowIdle', cliff.shallowIdleNs, `pingpong.py under ${py}: the median wake-up crosses halfway between its shortest-gap and longest-gap values between idle gaps of ${cliff.below.at(-1) ?? 0} and ${cliff.above[0]} us (geometric middle taken; medians by gap: ${points.map((p) => `${p.gapUs} us ${fmt(p.medianNs)} ns`).join(', ')})`);
  }
  // The waker's FUTEX_WAKE when it finds a sleeper (dequeue, IPI), against the same timing
  // with nobody asleep, on top of the net empty wake.
  const deep = cliff.above.length > 0 ? cliff.above : points.map((p) => p.gapUs);
  const calls = points.filter((p) => deep.includes(p.gapUs)).flatMap((p) => p.calls);
  const empty = ctx.m['syscalls.futexWakeEmpty'];
  if (calls.length > 0 && empty !== undefined) {
    const extra = median(calls) - median(nw.rec.wake_empty_call_ns);
    put(ctx, 'wake.futexWakeSleeper', Math.round(empty.value + extra), `pingpong.py under ${py}: the waker's write and FUTEX_WAKE took a median ${fmt(median(calls))} ns when it woke a process asleep on another CPU (${calls.length} wakes, idle gaps ${gapsText(deep)}), ${fmt(median(nw.rec.wake_empty_call_ns))} ns with nobody asleep: ${fmt(extra)} ns more than an empty wake (${fmt(empty.value)} ns net)`);
  }
}
