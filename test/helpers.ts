import type { SimConfig, ThreadSpec } from '../src/model/types.js';
import { loadProfile } from '../src/config/load.js';
import type { MachineProfile, PolicyName } from '../src/model/index.js';

/** The article's machine profile, as shipped. */
export const articleProfile: MachineProfile = loadProfile('article-vm');

/** A Python thread counting down `n`. */
export function countdownThread(name: string, n: number, extra: Partial<ThreadSpec> = {}): ThreadSpec {
  return { name, program: [{ op: 'loop', kind: 'countdown', iterations: n }], ...extra };
}

/** A small configuration for engine tests. */
export function config(o: Partial<SimConfig> & { threads: ThreadSpec[] }): SimConfig {
  return {
    profile: articleProfile,
    policy: 'py2' as PolicyName,
    cores: 2,
    checkInterval: 100,
    switchIntervalNs: 5_000_000,
    seed: '1',
    actors: [],
    ...o,
  };
}
