/**
 * The machines nobody here can run (the article's, Beazley's) get their values from one stated
 * rule applied to the measured profile of this project's VM (profiles/epyc-vm.json, written by
 * gil-top calibrate), never chosen to make a figure fit. Run it after epyc-vm.json changes:
 *
 *   npx tsx scripts/derive-profiles.ts
 *
 * The rule: a cost that is work on a CPU (a system call's path in the kernel, a context switch,
 * a cache-line transfer, an uncontended lock, Python's own work) is this VM's measured cost
 * scaled by the ratio of the two machines' measured interpreter speed: the published sequential
 * countdown's cost per iteration over this VM's. Latencies set by the hardware's idle states and
 * the kernel's settings (idle wake-up latencies, timer slack, the tick, the scheduler's periods)
 * are not CPU work and are not scaled: the article's machine, of which nothing is known, takes this
 * VM's measured ones; Beazley's Mac states its own with their sources. Everything else (the
 * scheduler's settings, ticks per iteration, the timer slack, an uncontended pthread mutex, the
 * free-threaded slow-down, the jitter) each profile states on its own, with its reason.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { leafAt, type Reasoned } from '../src/calibrate/profile-writer.js';
import { profileFileSchema, type ProfileFile } from '../src/config/profile-schema.js';

/** A profile file, checked against the schema every loaded profile passes. */
const read = (name: string): ProfileFile => profileFileSchema.parse(JSON.parse(readFileSync(`profiles/${name}.json`, 'utf8')));
/** Writes a derived profile, checked first, so that a rule that breaks the schema fails here and not when a preset loads it. */
const write = (name: string, p: ProfileFile) => writeFileSync(`profiles/${name}.json`, JSON.stringify(profileFileSchema.parse(p), null, 2) + '\n');
const leaf = (p: ProfileFile, path: string): Reasoned => {
  const l = leafAt(p, path.split('.'));
  if (l === undefined) throw new Error(`derive-profiles: ${p.name} has no value at ${path}`);
  return l;
};
const round = (x: number, whole: boolean) => (whole ? Math.round(x) : Math.round(x * 10) / 10);

/** The CPU work the rule scales (every other value is the machine's own). */
const cpuWork = [
  'scheduler.contextSwitchNs',
  'syscalls.futexWaitEntryNs',
  'syscalls.futexWaitReturnNs',
  'syscalls.futexWakeNs',
  'syscalls.futexWakePollingNs',
  'syscalls.futexWakeEmptyNs',
  'syscalls.recvNs',
  'syscalls.sendNs',
  'syscalls.acceptNs',
  'syscalls.connectNs',
  'syscalls.closeNs',
  'syscalls.sleepNs',
  'syscalls.loopbackLatencyNs',
  'memory.cacheLineTransferNs',
  'interpreter.py2LockPairNs',
];

/** Latencies of idle cores: not CPU work; a machine of which nothing else is known takes this VM's. */
const idleLatencies = [
  'scheduler.idleWakeupLatencyNs',
  'scheduler.shallowIdleWakeupLatencyNs',
  'scheduler.shallowIdleNs',
  'scheduler.idlePollStartNs',
  'scheduler.idlePollEndNs',
  'scheduler.pollingWakeupLatencyNs',
];

/**
 * Derives `name` from the measured VM: scales its CPU work by `speed` (the published countdown's
 * cost over this VM's, under `interp`), and the loops it has no published run for the same way.
 */
function derive(name: string, speed: { published: number; source: string }, interp: 'py2' | 'py3', latencies: 'this VM' | 'its own'): void {
  const vm = read('epyc-vm');
  const p = read(name);
  const vmCountdown = leaf(vm, `interpreter.nsPerIteration.countdown.${interp}`).value;
  const k = speed.published / vmCountdown;
  const ratio = `x${k.toFixed(2)}, the ratio of interpreter speeds (${speed.source}: ${speed.published} ns per countdown iteration, against ${vmCountdown} ns measured on epyc-vm)`;
  for (const path of cpuWork) {
    const v = leaf(vm, path);
    const to = leaf(p, path);
    to.value = round(v.value * k, true);
    to.why = `rule (scripts/derive-profiles.ts): CPU work, so epyc-vm's measured ${v.value} ns ${ratio}`;
  }
  if (latencies === 'this VM')
    for (const path of idleLatencies) {
      const v = leaf(vm, path);
      const to = leaf(p, path);
      to.value = v.value;
      to.why = `rule (scripts/derive-profiles.ts): the latency of an idle core is set by its idle states and the hypervisor, not by CPU speed, and nothing is known of this machine's: epyc-vm's measured ${v.value} ns`;
    }
  for (const [kind, byInterp] of Object.entries(p.interpreter.nsPerIteration)) {
    if (kind === 'countdown') continue; // published
    for (const i of Object.keys(byInterp ?? {})) {
      const to = leaf(p, `interpreter.nsPerIteration.${kind}.${i}`);
      const v = leaf(vm, `interpreter.nsPerIteration.${kind}.${i}`);
      const c = leaf(vm, `interpreter.nsPerIteration.countdown.${i}`).value;
      const mine = leaf(p, `interpreter.nsPerIteration.countdown.${i}`).value;
      to.value = round((v.value / c) * mine, false);
      to.why = `rule (scripts/derive-profiles.ts): a ${kind} iteration costs ${(v.value / c).toFixed(2)} countdown iterations under ${i} on epyc-vm (${v.value} / ${c} ns, measured by calibrate), times this machine's countdown (${mine} ns)`;
    }
  }
  write(name, p);
  console.log(`${name}: CPU work scaled x${k.toFixed(3)}`);
}

// The article: Python 2.7, countdown(50M) in 2.12 s sequentially.
derive('article-vm', { published: 42.4, source: "the article's sequential Python 2.7 run, 2.12 s for countdown(50M)" }, 'py2', 'this VM');
// Beazley: Python 2.6, countdown(100M) in 7.8 s sequentially.
// Beazley's Mac states its own idle latencies (bare metal C-states) and its Mach scheduler.
derive('beazley-mac', { published: 78, source: "Beazley's sequential Python 2.6 run, 7.8 s for countdown(100M)" }, 'py2', 'its own');
