import { z } from 'zod';
import { fmt, leastSquares } from '../stats.js';
import { noteSkips, put, records, type FitContext } from './figures.js';

const series = z.object({ python: z.string(), iterations: z.array(z.number()).min(2), ticks: z.array(z.number()).min(2) });
const compareJump = z.object({ python: z.string(), copies: z.number().positive(), ticks_with: z.number(), ticks_without: z.number() });
const period = z.object({ python: z.string(), check_interval: z.number().positive(), iterations: z.array(z.number()), before_after: z.array(z.tuple([z.number(), z.number()])) });
const build = z.object({ python: z.string(), config: z.record(z.string(), z.unknown()) });

/**
 * Python 2 ticks by experiment: `ticks.countdown` and `ticks.fib` (ticks per iteration, the
 * slope of `_Py_Ticker`'s fall over loop sizes), `ticks.compareJump` (ticks of a COMPARE_OP and
 * POP_JUMP_IF_FALSE pair: 0 when PREDICT links them, 1 in a computed-goto build) and
 * `ticks.perCheck` (ticks from one check to the next at a given interval, minus the interval).
 */
export function fitTicks(ctx: FitContext): void {
  noteSkips(ctx, 'ticks');
  let fixed = 0;
  let perIteration = 0;
  for (const kind of ['countdown', 'fib'] as const)
    for (const { run, rec } of records(ctx, 'ticks', kind, series)) {
      const fit = leastSquares(rec.iterations, rec.ticks);
      const exact = fit.r2 > 0.999999;
      if (kind === 'countdown') {
        fixed = fit.intercept;
        perIteration = fit.slope;
      }
      put(
        ctx,
        `ticks.${kind}`,
        Math.round(fit.slope * 1000) / 1000,
        `ticks.py under ${run.python}: _Py_Ticker fell by ${rec.ticks.map(fmt).join(', ')} over ${kind} of ${rec.iterations.map(fmt).join(', ')} ${kind === 'fib' ? 'calls' : 'iterations'} at a huge check interval: ${fmt(fit.slope)} ticks per ${kind === 'fib' ? 'call' : 'iteration'}${exact ? ' (an exact line)' : ` (r² ${fit.r2.toFixed(6)})`}, ${fmt(fit.intercept)} for the call and the reads`,
      );
    }
  const configs = records(ctx, 'ticks', 'build', build);
  const cfg = configs[0]?.rec.config ?? {};
  for (const { run, rec } of records(ctx, 'ticks', 'compare_jump', compareJump)) {
    const perPair = (rec.ticks_with - rec.ticks_without) / rec.copies;
    put(
      ctx,
      'ticks.compareJump',
      perPair,
      `ticks.py under ${run.python}: ${rec.copies} copies of \`if n > 0: pass\` ticked ${rec.ticks_with - rec.ticks_without} times: ${fmt(perPair)} per COMPARE_OP + POP_JUMP_IF_FALSE pair, so opcode prediction is ${perPair >= 0.5 ? 'off (a computed-goto build: COMPARE_OP ticks on its own)' : 'on (a switch build: PREDICT links the pair without a tick)'}; sysconfig says HAVE_COMPUTED_GOTOS=${String(cfg.HAVE_COMPUTED_GOTOS)}, USE_COMPUTED_GOTOS=${String(cfg.USE_COMPUTED_GOTOS)} (0 there only means configure was not given --with-computed-gotos)`,
    );
  }
  for (const { run, rec } of records(ctx, 'ticks', 'period', period)) {
    if (perIteration === 0) break;
    const ci = rec.check_interval;
    const ok: number[] = [];
    for (let p = ci - 1; p <= ci + 3; p++) {
      const fits = rec.iterations.every((n, i) => {
        const [a, b] = rec.before_after[i];
        const d = Math.round(fixed + perIteration * n - (a - b));
        return ((d % p) + p) % p === 0;
      });
      if (fits) ok.push(p);
    }
    if (ok.length === 1)
      put(ctx, 'ticks.perCheck', ok[0] - ci, `ticks.py under ${run.python}: at check interval ${ci}, the ticker's fall over countdown of ${rec.iterations.join(', ')} iterations fits a check every ${ok[0]} ticks and no other period from ${ci - 1} to ${ci + 3}: a check every interval + ${ok[0] - ci} ticks`);
    else ctx.notes.push(`ticks under ${run.python}: the check period at interval ${ci} is ${ok.length === 0 ? 'none of' : 'ambiguous among'} ${ok.length === 0 ? `${ci - 1}..${ci + 3}` : ok.join(', ')}`);
  }
}
