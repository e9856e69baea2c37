import { dirname } from 'node:path';
import { InputError } from './input-error.js';
import { loadProfileFile, presetFromData, type Preset } from './load.js';
import { processCostsFromFile, type ProcessCosts } from './profile-schema.js';
import type { OpSpec, ThreadSpec } from '../model/index.js';

/** How a preset's CPU-bound work is run: by threads of one process, or by processes (each its own GIL). */
export type WorkerKind = 'threads' | 'processes';

/** Bytes of a task or result message between processes (a small pickled tuple). */
export const messageBytes = 100;

const hasLoop = (ops: OpSpec[]): boolean => ops.some((op) => op.op === 'loop' || ((op.op === 'repeat' || op.op === 'request') && hasLoop(op.body)));
const usesSocket = (ops: OpSpec[]): boolean =>
  ops.some((op) => 'socket' in op || ((op.op === 'repeat' || op.op === 'request') && usesSocket(op.body)));

/** A program with each loop's iterations replaced by `f(index of the loop, iterations)`. */
function mapLoops(ops: OpSpec[], f: (k: number, n: number) => number, k = { i: 0 }): OpSpec[] {
  return ops.map((op) => (op.op === 'loop' ? { ...op, iterations: f(k.i++, op.iterations) } : op.op === 'repeat' || op.op === 'request' ? { ...op, body: mapLoops(op.body, f, k) } : op));
}

/** The `i`-th (0-based) of `n` shares of `total`, the remainder going to the first ones. */
const share = (total: number, n: number, i: number) => Math.floor(total / n) + (i < total % n ? 1 : 0);

/** The multiprocessing costs of a preset's machine profile, read from its file (null: it has none, or its file is not at hand). */
export function processCostsOf(preset: Preset): ProcessCosts | null {
  try {
    return processCostsFromFile(loadProfileFile(preset.profile, dirname(preset.file)));
  } catch (e) {
    if (e instanceof InputError) return null;
    throw e;
  }
}

/** Why a preset's CPU-bound work cannot be run by a number of workers, or null. */
export function workersUnusable(preset: Preset): string | null {
  const cpu = preset.threads.filter((t) => hasLoop(t.program));
  if (cpu.length === 0) return `preset ${preset.name} has no CPU-bound thread (one that runs a loop) to split among workers`;
  if (cpu.some((t) => usesSocket(t.program))) return `preset ${preset.name}: a CPU-bound thread uses a socket, so it cannot be copied`;
  const shape = (t: ThreadSpec) => JSON.stringify(mapLoops(t.program, () => 0));
  if (new Set(cpu.map(shape)).size > 1) return `preset ${preset.name}: its CPU-bound threads run different programs, so their work cannot be split evenly`;
  return null;
}

/**
 * The preset with its CPU-bound work (the Python threads that run a loop; they must run the
 * same program) done by `n` workers: each loop's iterations, summed over those threads, split
 * evenly among them (a fixed job split `n` ways; an endless loop stays endless).
 *
 * - As threads (`threading.Thread`): `n` threads of the main process sharing its GIL; one alone,
 *   with no other thread in the main process, is the main thread (a sequential program).
 * - As processes (`multiprocessing`, fork start method): a `pool` thread in the main process
 *   forks each worker (`forkNs` of its CPU), sends it its task and collects its result; each
 *   worker is the main thread of its own process (its own GIL, none at all under py2), starts
 *   `forkNs` after the one before it, pays `childStartNs` before its target runs, and pays
 *   `pickleNs` to unpickle its task and to pickle its result (as does the pool, to pickle each
 *   task and unpickle each result). Messages travel over a connected socket pair, as
 *   multiprocessing's Pipe does; the model charges them as its loopback send and recv.
 *
 * The result is validated as a preset a user could have written.
 */
export function withWorkers(preset: Preset, n: number, as: WorkerKind, costs: ProcessCosts | null = as === 'processes' ? processCostsOf(preset) : null): Preset {
  const why = workersUnusable(preset);
  if (why !== null) throw new InputError(why);
  const cpu = preset.threads.filter((t) => hasLoop(t.program));
  const others = preset.threads.filter((t) => !hasLoop(t.program));
  const totals: number[] = [];
  for (const t of cpu) mapLoops(t.program, (k, iters) => ((totals[k] = (totals[k] ?? 0) + iters), iters));
  const small = totals.find((x) => x < n);
  if (small !== undefined) throw new InputError(`preset ${preset.name}: a loop of ${small} iterations cannot be split among ${n} workers`);
  // An endless loop (the largest a preset may give) stays as long for each worker.
  const endless = 1e12;
  const program = (i: number) => mapLoops(cpu[0].program, (k) => (totals[k] >= endless ? endless : share(totals[k], n, i)));
  const daemon = cpu.every((t) => t.daemon === true);
  const inMain = others.filter((t) => (t.process ?? 'main') === 'main');
  const us = (ns: number) => ns / 1000;
  let threads: ThreadSpec[];
  if (as === 'threads') {
    const lone = n === 1 && inMain.length === 0;
    threads = Array.from({ length: n }, (_, i) => ({ name: `worker-${i + 1}`, ...(lone ? { main: true } : {}), ...(daemon ? { daemon } : {}), program: program(i) }));
  } else {
    if (costs === null) throw new InputError(`profile ${preset.machine.name} has no "processes" costs (forkNs, childStartNs, pickleNs) to run workers as processes`);
    const pickle: OpSpec = { op: 'ccall', us: us(costs.pickleNs) };
    const ids = Array.from({ length: n }, (_, i) => i + 1);
    const pool: ThreadSpec = {
      name: 'pool',
      ...(inMain.some((t) => t.main === true) ? {} : { main: true }),
      ...(daemon ? { daemon } : {}),
      program: [
        ...ids.map((): OpSpec => ({ op: 'ccall', us: us(costs.forkNs) })),
        ...ids.flatMap((i): OpSpec[] => [{ op: 'accept', socket: `task-${i}` }, pickle, { op: 'send', socket: `task-${i}`, bytes: messageBytes }]),
        ...ids.flatMap((i): OpSpec[] => [{ op: 'recv', socket: `task-${i}` }, pickle]),
      ],
    };
    const worker = (i: number): ThreadSpec => ({
      name: `worker-${i}`,
      process: `worker-${i}`,
      main: true,
      ...(daemon ? { daemon } : {}),
      startUs: us(i * costs.forkNs),
      program: [
        { op: 'ccall', us: us(costs.childStartNs) },
        { op: 'connect', socket: `task-${i}` },
        { op: 'recv', socket: `task-${i}` },
        pickle,
        ...program(i - 1),
        pickle,
        { op: 'send', socket: `task-${i}`, bytes: messageBytes },
        { op: 'close', socket: `task-${i}` },
      ],
    });
    threads = [pool, ...ids.map(worker)];
  }
  // The published figure was for the preset as written, not for this variant.
  const { file, machine, expected: _expected, ...data } = preset;
  return presetFromData({ ...data, threads: [...others, ...threads] }, file, machine);
}
