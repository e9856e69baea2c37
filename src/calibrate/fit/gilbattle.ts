import { z } from 'zod';
import { parsePerfCsv } from '../perf-csv.js';
import { fmt } from '../stats.js';
import { put, records, type FitContext } from './figures.js';

const runRecord = z.object({
  python: z.string(),
  iterations: z.number().positive(),
  threads: z.number().int().positive(),
  check_interval: z.number().nullable(),
  switch_interval: z.number().nullable(),
  seconds: z.number().positive(),
  handoffs: z.number(),
  voluntary: z.number(),
  involuntary: z.number(),
});

/**
 * The GIL battle (two countdown threads) with and without perf: per Python 2 check (checks from
 * the measured ticks) and per Python 3 forced switch (the hand-offs the threads saw: with two
 * CPU-bound threads every hand-off is forced), the futex calls and context switches perf counted
 * and the voluntary switches /proc counted. Names: `battle.py2.CPUScpu.ciCI.*`, `battle.VERSION.CPUScpu.*`.
 */
export function fitGilBattle(ctx: FitContext): void {
  const tpi = ctx.m['ticks.countdown']?.value;
  const offset = ctx.m['ticks.perCheck']?.value ?? 1;
  for (const { run, rec } of records(ctx, 'gilbattle', 'run', runRecord)) {
    const cpus = Number(run.params.cpus);
    const py2 = rec.check_interval !== null;
    const key = py2 ? `battle.py2.${cpus}cpu.ci${rec.check_interval}` : `battle.${rec.python}.${cpus}cpu`;
    const setting = py2 ? `check interval ${rec.check_interval}` : `switch interval ${fmt((rec.switch_interval ?? 0.005) * 1e3)} ms`;
    const where = `gilbattle.py under ${rec.python}, 2 threads of countdown(${fmt(rec.iterations / rec.threads)}) on ${cpus} CPU${cpus > 1 ? 's' : ''}, ${setting}`;
    let per: number;
    let perWhat: string;
    if (py2) {
      if (tpi === undefined) {
        ctx.notes.push(`${key}: no ticks per iteration measured, so no per-check figures`);
        continue;
      }
      per = (rec.iterations * tpi) / (rec.check_interval! + offset);
      perWhat = `check (${fmt(per)} checks at ${fmt(tpi)} ticks per iteration)`;
    } else {
      per = Math.max(1, rec.handoffs);
      perWhat = `forced switch (${fmt(rec.handoffs)} hand-offs seen by the threads)`;
    }
    const unit = py2 ? 'PerCheck' : 'PerForcedSwitch';
    if (run.params.perf === true) {
      const counts = parsePerfCsv(run.perfCsv ?? '');
      const futex = counts['syscalls:sys_enter_futex'];
      const cs = counts['context-switches'];
      if (futex !== undefined) put(ctx, `${key}.futex${unit}`, futex / per, `${where}, under perf stat: ${fmt(futex)} futex calls in ${fmt(rec.seconds)} s, ${fmt(futex / per)} per ${perWhat}`);
      if (cs !== undefined) put(ctx, `${key}.cs${unit}`, cs / per, `${where}, under perf stat: ${fmt(cs)} context switches (perf, the whole process), ${fmt(cs / per)} per ${perWhat}`);
      put(ctx, `${key}.perfSeconds`, rec.seconds, `${where}, under perf stat (its futex tracepoint slows every futex call): ${fmt(rec.seconds)} s`);
    } else {
      put(ctx, `${key}.seconds`, rec.seconds, `${where}: ${fmt(rec.seconds)} s of wall time`);
      put(ctx, `${key}.vol${unit}`, rec.voluntary / per, `${where}: ${fmt(rec.voluntary)} voluntary and ${fmt(rec.involuntary)} involuntary context switches (/proc/thread-self/status of each thread), ${fmt(rec.voluntary / per)} voluntary per ${perWhat}`);
      if (py2) put(ctx, `${key}.handoffs`, rec.handoffs, `${where}: ${fmt(rec.handoffs)} GIL hand-offs seen between chunks of 1000 iterations (a lower bound)`);
    }
  }
}
