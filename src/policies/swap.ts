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
  // A holder on its way out (in drop_gil, before the GIL is marked free) lets it go now.
  let holder = old.holder();
  if (holder !== null && handovers.get(holder)?.at === 'dropping') {
    ctx.book.released(holder);
    holder = null;
  }
  const fresh = policies[name](ctx, settings, holder);
  // What each thread does first under the new GIL, narrated when it does it.
  const told =
    (text: () => string, next: Next): Next =>
    (t) => {
      if (ctx.engine.journal !== null) ctx.engine.say(t.id, `${t.name}: ${text()}`);
      next(t);
    };
  const gone = name === 'free-threaded';
  // A GIL that nobody holds under the new policy (free-threading has none) is held no longer.
  if (holder !== null && fresh.holder() !== holder) ctx.book.noGil(holder);
  for (const t of threads) {
    if (t.state === TaskState.Done || t.state === TaskState.New) continue;
    const h = handovers.get(t);
    if (h === undefined) {
      fresh.settle(t);
      continue;
    }
    const next = h.next;
    switch (h.at) {
      case 'running':
        // Without a GIL every thread ran Python at once; now each must take the GIL first.
        fresh.settle(t);
        ctx.bursts.end(t);
        ctx.book.activity(t, Activity.GilWait);
        ctx.kernel.redirect(t, told(() => `now that there is a GIL (${name}), must take it before it runs Python again`, (t) => ctx.gilOf(t).takeGil(t, next)));
        break;
      case 'holding':
        ctx.book.activity(t, Activity.Python);
        ctx.kernel.redirect(t, told(() => (gone ? 'the GIL is gone (free-threaded): runs on without it' : `holds the GIL under ${name} too: goes on`), next));
        break;
      case 'dropping':
        ctx.kernel.redirect(t, told(() => `has let the old GIL go: goes on under ${name}`, next));
        break;
      case 'taking':
        ctx.kernel.redirect(t, told(() => (gone ? 'waited for the old GIL: free-threaded has none, it runs on' : `waited for the old GIL: now takes the ${name} one`), (t) => ctx.gilOf(t).takeGil(t, next)));
        break;
    }
  }
  return fresh;
}
