import { compareVersions } from './interpreters.js';
import type { InterpreterInfo } from './raw.js';

/** One probe run to make. */
export interface PlannedRun {
  probe: string;
  interpreter: InterpreterInfo & { version: string; executable: string };
  args: string[];
  /** CPUs to pin it to with taskset (the probes pin themselves too), null for none. */
  cpus: number[] | null;
  /** Run it under perf stat. */
  perf: boolean;
  /** Recorded beside the output for the fitting. */
  params: Record<string, string | number | boolean | null>;
  timeoutS: number;
}

/** Sizes and repetitions of each probe: the full calibration, and --quick (a minute or two, rougher). */
const sizes = {
  full: {
    loops: ['--n', '2000000', '--fib', '22', '--reps', '9'],
    ticks: ['--n', '100000', '--fib', '18'],
    checkcost: ['--n', '10000000', '--procs', '3', '--reps', '3'],
    syscalls: ['--calls', '1000', '--reps', '300'],
    pingpong: ['--rounds', '200', '--hops', '500', '--reps', '100'],
    loopback: ['--conns', '500', '--msgs', '5000', '--rounds', '300'],
    cacheline: ['--hops', '5000', '--reps', '100'],
    battlePy2: 20_000_000,
    battlePy3: 60_000_000,
    timeoutS: 900,
  },
  quick: {
    loops: ['--n', '300000', '--fib', '18', '--reps', '3'],
    ticks: ['--n', '10000', '--fib', '14'],
    checkcost: ['--n', '1000000', '--procs', '1', '--reps', '2'],
    syscalls: ['--calls', '500', '--reps', '40'],
    pingpong: ['--rounds', '20', '--hops', '500', '--reps', '8', '--gaps', '10,300,3000'],
    loopback: ['--conns', '50', '--msgs', '300', '--rounds', '30'],
    cacheline: ['--hops', '5000', '--reps', '6'],
    battlePy2: 1_000_000,
    battlePy3: 3_000_000,
    timeoutS: 180,
  },
} as const;

type Usable = PlannedRun['interpreter'];

/**
 * Every run of a calibration, in order: the kernel's settings; per interpreter its loop costs;
 * per Python 2 its ticks and check costs; the machine's costs (syscalls, wake-ups, loopback, cache
 * line) under one interpreter (the newest Python 3, whose clock and affinity calls they need);
 * the GIL battle for Python 2 (1 and 2 CPUs, check intervals 10, 100, 1000) and for the oldest
 * and newest Python 3 (2 CPUs), each without perf and, where perf works, under it.
 */
export function planRuns(interpreters: readonly InterpreterInfo[], o: { quick: boolean; cpus: readonly number[]; perf: boolean; taskset: boolean }): PlannedRun[] {
  const z = o.quick ? sizes.quick : sizes.full;
  const usable = interpreters
    .filter((i): i is Usable => i.problem === undefined && i.version !== null && i.executable !== null)
    .sort((a, b) => compareVersions(a.version, b.version));
  const py2 = usable.filter((i) => i.version.startsWith('2.'));
  const py3 = usable.filter((i) => i.version.startsWith('3.') && !i.freeThreaded);
  const machine = py3.at(-1) ?? usable.at(-1);
  const one = [o.cpus[0]];
  const two = o.cpus.length >= 2 ? [o.cpus[0], o.cpus[1]] : null;
  const pin = (cpus: number[] | null) => (o.taskset ? cpus : null);
  const runs: PlannedRun[] = [];
  const add = (probe: string, interpreter: Usable, args: readonly string[], cpus: number[] | null, params: PlannedRun['params'] = {}, perf = false) =>
    runs.push({ probe, interpreter, args: [...args], cpus: pin(cpus), perf, params: { ...params, perf }, timeoutS: z.timeoutS });
  if (machine === undefined) return runs;
  add('kernel', machine, [], null);
  for (const i of usable) add('loops', i, [...z.loops, '--cpu', String(one[0])], one);
  for (const i of py2) add('ticks', i, z.ticks, one);
  for (const i of py2) add('checkcost', i, [...z.checkcost, '--cpu', String(one[0])], one);
  add('syscalls', machine, [...z.syscalls, '--cpu', String(one[0])], one);
  add('pingpong', machine, z.pingpong, two ?? one);
  add('loopback', machine, z.loopback, two ?? one);
  add('cacheline', machine, z.cacheline, two ?? one);
  const battle = (i: Usable, cpus: number[], n: number, ci: number | null) => {
    const args = ['--n', String(n), '--cpus', cpus.join(','), ...(ci === null ? [] : ['--check-interval', String(ci)])];
    const params = { cpus: cpus.length, checkInterval: ci };
    add('gilbattle', i, args, cpus, params);
    if (o.perf) add('gilbattle', i, args, cpus, params, true);
  };
  const newest2 = py2.at(-1);
  if (newest2 !== undefined) for (const cpus of two ? [one, two] : [one]) for (const ci of [10, 100, 1000]) battle(newest2, cpus, z.battlePy2, ci);
  const ends = py3.length > 1 ? [py3[0], py3[py3.length - 1]] : py3;
  for (const i of ends) battle(i, two ?? one, z.battlePy3, null);
  return runs;
}
