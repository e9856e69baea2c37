import { BfsGil } from './bfs.js';
import { FreeThreaded } from './free-threaded.js';
import type { PyThread } from '../interpreter/py-thread.js';
import type { GilPolicy, PolicyContext, PolicyName, ProcessSettings } from './policy.js';
import { Py2Gil } from './py2/gil.js';
import { PriorityGil } from './priority.js';
import { Py3Gil } from './py3/gil.js';

/** Builds a GIL of a policy for a process whose settings are `settings`, held by `holder` (or free). */
export type PolicyFactory = (ctx: PolicyContext, settings: ProcessSettings, holder: PyThread | null) => GilPolicy;

/** Every policy, by name: adding a policy is a file of its own and a line here (and in `policyNames`). */
export const policies: Readonly<Record<PolicyName, PolicyFactory>> = {
  py2: (ctx, settings, holder) => new Py2Gil(ctx, settings, holder),
  py3: (ctx, settings, holder) => new Py3Gil(ctx, settings, holder),
  'free-threaded': (ctx, settings) => new FreeThreaded(ctx, settings),
  priority: (ctx, settings, holder) => new PriorityGil(ctx, settings, holder),
  bfs: (ctx, settings, holder) => new BfsGil(ctx, settings, holder),
};
