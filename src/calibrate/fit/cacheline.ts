import { z } from 'zod';
import { fmt, median, min } from '../stats.js';
import { noteSkips, put, records, type FitContext } from './figures.js';

const rec = z.object({ python: z.string(), hops: z.number().positive(), seconds: z.array(z.number().positive()).min(1) });

/**
 * A cross-core cache-line transfer from Python: `cacheline.hop` (one hop of the shared-memory
 * ping-pong), `cacheline.local` (the same loop body with every read a hit: the interpreter's
 * share) and `cacheline.transfer` = hop - local.
 */
export function fitCacheline(ctx: FitContext): void {
  noteSkips(ctx, 'cacheline');
  const pp = records(ctx, 'cacheline', 'pingpong', rec)[0];
  const local = records(ctx, 'cacheline', 'local', rec)[0];
  if (!pp || !local) return;
  const hop = (min(pp.rec.seconds) / pp.rec.hops) * 1e9;
  const loc = (min(local.rec.seconds) / local.rec.hops) * 1e9;
  const py = pp.run.python;
  put(ctx, 'cacheline.hop', Math.round(hop), `cacheline.py under ${py}: two processes on two CPUs bouncing a counter in shared memory: ${fmt(hop)} ns per hop (fastest of ${pp.rec.seconds.length} batches of ${fmt(pp.rec.hops)}, median ${fmt((median(pp.rec.seconds) / pp.rec.hops) * 1e9)})`);
  put(ctx, 'cacheline.local', Math.round(loc), `cacheline.py under ${py}: the same loop body in one process, every read a hit: ${fmt(loc)} ns per hop of Python`);
  put(ctx, 'cacheline.transfer', Math.round(hop - loc), `cacheline.py under ${py}: a hop (${fmt(hop)} ns) minus its Python (${fmt(loc)} ns): one line transfer plus up to one spin-loop pass of noticing it, so an upper estimate`);
}
