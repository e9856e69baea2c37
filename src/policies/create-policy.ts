import { FreeThreaded } from './free-threaded.js';
import type { GilPolicy, PolicyHost, PolicyName, PolicyState } from './policy.js';
import { Py2Gil } from './py2.js';
import { Py3Gil } from './py3.js';

/** A GIL of the named policy, starting from `state` (who holds it, the intervals). */
export function createPolicy(name: PolicyName, host: PolicyHost, state: PolicyState): GilPolicy {
  switch (name) {
    case 'py2':
      return new Py2Gil(host, state);
    case 'py3':
      return new Py3Gil(host, state);
    case 'free-threaded':
      return new FreeThreaded(host, state);
  }
}
