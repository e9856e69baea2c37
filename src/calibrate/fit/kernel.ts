import { z } from 'zod';
import { put, records, type FitContext } from './figures.js';

const settings = z.object({ python: z.string(), release: z.string(), hz: z.number().positive().nullable(), hz_from: z.string().nullable(), sched: z.record(z.string(), z.string()) });

/** Scheduler settings the kernel exposes, by the model's name, in the files where kernels keep them. */
const schedFiles: Record<string, string[]> = {
  schedLatencyNs: ['/proc/sys/kernel/sched_latency_ns', '/sys/kernel/debug/sched/latency_ns'],
  schedMinGranularityNs: ['/proc/sys/kernel/sched_min_granularity_ns', '/sys/kernel/debug/sched/min_granularity_ns'],
  schedWakeupGranularityNs: ['/proc/sys/kernel/sched_wakeup_granularity_ns', '/sys/kernel/debug/sched/wakeup_granularity_ns'],
  schedBaseSliceNs: ['/sys/kernel/debug/sched/base_slice_ns'],
};

/** The kernel's own settings: `kernel.tickNs` (from CONFIG_HZ) and the CFS values where exposed. */
export function fitKernel(ctx: FitContext): void {
  for (const { rec } of records(ctx, 'kernel', 'settings', settings)) {
    if (rec.hz !== null) put(ctx, 'kernel.tickNs', Math.round(1e9 / rec.hz), `kernel.py: CONFIG_HZ=${rec.hz} in ${rec.hz_from} (Linux ${rec.release}): a scheduler tick every ${1e3 / rec.hz} ms`);
    else ctx.notes.push(`kernel: CONFIG_HZ not found (no /proc/config.gz or /boot/config-${rec.release})`);
    for (const [name, files] of Object.entries(schedFiles))
      for (const f of files)
        if (rec.sched[f] !== undefined && Number.isFinite(Number(rec.sched[f]))) {
          put(ctx, `kernel.${name}`, Number(rec.sched[f]), `kernel.py: ${f} = ${rec.sched[f]} (Linux ${rec.release})`);
          break;
        }
    if (ctx.m['kernel.schedLatencyNs'] === undefined)
      ctx.notes.push(`kernel: the scheduler's latency and granularities are not exposed here (Linux ${rec.release}: ${rec.release.match(/^(\d+)\.(\d+)/) && Number(rec.release.split('.')[0]) * 100 + Number(rec.release.split('.')[1]) >= 606 ? 'EEVDF since 6.6 has no sched_latency; base_slice_ns is in debugfs, root only' : 'not in /proc/sys/kernel nor debugfs'})`);
  }
}
