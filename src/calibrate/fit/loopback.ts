import { z } from 'zod';
import { fmt, median, min } from '../stats.js';
import { noteSkips, put, records, type FitContext } from './figures.js';

const ops = ['clock', 'connect', 'accept', 'send', 'recv', 'close'] as const;
const callsRecord = z.object({
  python: z.string(),
  cpu: z.number(),
  ns: z.object(Object.fromEntries(ops.map((k) => [k, z.array(z.number()).min(1)])) as Record<(typeof ops)[number], z.ZodArray<z.ZodNumber>>),
});
const onewayRecord = z.object({ python: z.string(), cpus: z.array(z.number()), mode: z.enum(['spin', 'blocked']), latency_ns: z.array(z.number()).min(1) });

const what: Record<Exclude<(typeof ops)[number], 'clock'>, string> = {
  connect: 'connect to a listening socket on 127.0.0.1 (the handshake runs inside the call)',
  accept: 'accept of the pending connection',
  send: 'send of 100 bytes (the segment is in the peer\'s queue when it returns)',
  recv: 'recv of 100 bytes already queued',
  close: 'close of either end of a connection',
};

/**
 * Loopback TCP: `loopback.connect`, `.accept`, `.send`, `.recv`, `.close` (median single call
 * minus a clock read: single calls, not batches, so the median, not the fastest), one-way
 * `loopback.onewaySpin` / `loopback.onewayBlocked`, and `loopback.latency`: what the spinning
 * receiver waits beyond the send and its own recv (0 when the segment is there as send returns).
 */
export function fitLoopback(ctx: FitContext): void {
  noteSkips(ctx, 'loopback');
  for (const { run, rec } of records(ctx, 'loopback', 'calls', callsRecord)) {
    const clock = median(rec.ns.clock);
    for (const op of Object.keys(what) as (keyof typeof what)[]) {
      const v = median(rec.ns[op]) - clock;
      put(ctx, `loopback.${op}`, Math.round(v), `loopback.py under ${run.python}, CPU ${rec.cpu}: ${what[op]}: median ${fmt(median(rec.ns[op]))} ns over ${fmt(rec.ns[op].length)} calls (fastest ${fmt(min(rec.ns[op]))}), minus ${fmt(clock)} ns for the clock read`);
    }
  }
  for (const { run, rec } of records(ctx, 'loopback', 'oneway', onewayRecord)) {
    const med = median(rec.latency_ns);
    const name = rec.mode === 'spin' ? 'onewaySpin' : 'onewayBlocked';
    put(ctx, `loopback.${name}`, Math.round(med), `loopback.py under ${run.python}, CPUs ${rec.cpus.join(' and ')}: from before a send of 100 bytes to the receiver's recv returning, receiver ${rec.mode === 'spin' ? 'spinning on recv(MSG_DONTWAIT)' : 'blocked in recv after 50 us idle'}: median ${fmt(med)} ns over ${rec.latency_ns.length} messages (fastest ${fmt(min(rec.latency_ns))})`);
  }
  const spin = ctx.m['loopback.onewaySpin'];
  const send = ctx.m['loopback.send'];
  const recv = ctx.m['loopback.recv'];
  if (spin && send && recv) {
    const rest = spin.value - send.value - recv.value;
    put(ctx, 'loopback.latency', Math.max(0, Math.round(rest)), `loopback.py: one-way to a spinning receiver (${fmt(spin.value)} ns) minus a send (${fmt(send.value)}) and a recv (${fmt(recv.value)}) is ${fmt(rest)} ns${rest < 0 ? ', taken as 0: the segment is in the queue when send returns' : ' (the receiver\'s polling granularity is in it too)'}`);
  }
}
