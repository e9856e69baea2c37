import { Activity, type PyThread } from '../interpreter/py-thread.js';
import { TaskState } from '../os/task.js';
import type { GilPolicy, Handover, Next, PolicyContext, PolicyName, ProcessSettings } from './policy.js';
import { policies } from './registry.js';

/**
 * Swaps a process's GIL for another policy at this instant: the holder keeps the GIL, every
 * thread inside the old policy's code re-enters the new one (waiters wait again, a dropper goes
 * on to its I/O), threads that ran Python without a GIL must take the new one first, and threads
 * running Python re-plan their bursts under the new interpreter. Returns the new GIL.
 */
export function swapPolicy(ctx: PolicyContext, old: GilPolicy, name: PolicyName, settings: ProcessSettings, threads: readonly PyThread[]): GilPolicy {
  const handovers = new Map<PyThread, Handover>();
  for (const h of old.handover(threads)) handovers.set(h.t, h);
  const fresh = policies[name](ctx, settings, old.holder());
  const resolve = (next: Handover['next']): Next =>
    next === 'python' ? (t) => fresh.runPython(t) : next === 'afterCheck' ? (t) => fresh.runPython(t, 'afterCheck') : next;
  for (const t of threads) {
    if (t.state === TaskState.Done || t.state === TaskState.New) continue;
    const h = handovers.get(t);
    if (h === undefined) {
      fresh.settle(t);
      continue;
    }
    const next = resolve(h.next);
    switch (h.at) {
      case 'running':
        // Without a GIL every thread ran Python at once; now each must take the GIL first.
        fresh.settle(t);
        ctx.bursts.end(t);
        ctx.kernel.redirect(t, (t) => fresh.takeGil(t, next));
        break;
      case 'holding':
        ctx.book.activity(t, Activity.Python);
        ctx.kernel.redirect(t, next);
        break;
      case 'dropping':
        ctx.kernel.redirect(t, next);
        break;
      case 'taking':
        ctx.kernel.redirect(t, (t) => fresh.takeGil(t, next));
        break;
    }
  }
  return fresh;
}
