import { clip, fmtCount } from './format.js';
import type { Segment } from './view-model.js';
import type { Counters, PolicyName, Snapshot } from '../model/index.js';

/** What the end-of-run card is drawn from. */
export interface EndCardInput {
  preset: { name: string; title: string; policy: PolicyName; cores: number; checkInterval: number; switchInterval: number; expected?: { seconds: number; note?: string } };
  snap: Snapshot;
  /** Simulated instant the run finished. */
  endNs: number;
  /** Whether the run was changed while it ran (policy, interval, cores, signal). */
  changedLive: boolean;
  /** The settings `R` will start the next run with, as the user chose them on this card. */
  next: { policy: PolicyName; cores: number };
}

/** The counters worth showing at the end, with what each one means. */
const counterMeanings: { name: string; get: (c: Counters) => number; meaning: string }[] = [
  { name: 'futex_wake', get: (c) => c.syscalls.futex_wake, meaning: 'wake calls; py2: one per contended check' },
  { name: 'futex_wait', get: (c) => c.syscalls.futex_wait, meaning: 'a thread slept, waiting for the GIL' },
  { name: 'futex_wait_timeout', get: (c) => c.syscalls.futex_wait_timeout, meaning: 'py3: a timed wait (one switch interval)' },
  { name: 'OS wake-ups', get: (c) => c.wakeups, meaning: 'the OS woke a sleeping thread' },
  { name: 'woken in vain', get: (c) => c.spuriousWakeups, meaning: 'woke, found the GIL taken, slept again' },
  { name: 'GIL switches', get: (c) => c.gilSwitches, meaning: 'the GIL changed hands' },
  { name: 'forced switches', get: (c) => c.forcedSwitches, meaning: 'py3: holder made to drop (drop request)' },
  { name: 'py2 checks', get: (c) => c.checks, meaning: 'holder released and re-took the GIL' },
  { name: 'ctx sw voluntary', get: (c) => c.contextSwitches.voluntary, meaning: 'a thread blocked and left its core' },
  { name: 'ctx sw involuntary', get: (c) => c.contextSwitches.involuntary, meaning: 'the scheduler preempted a thread' },
  { name: 'recv', get: (c) => c.syscalls.recv, meaning: 'socket reads (each releases the GIL)' },
  { name: 'send', get: (c) => c.syscalls.send, meaning: 'socket writes (each releases the GIL)' },
];

/** The keys that go on from a finished run, as the card and the footer show them. */
export const finishedKeys = 'R run again   p then R  another policy   l another preset   q quit';

/**
 * The end-of-run card: simulated time; the published figure and the ratio when the preset has
 * one; the five largest counters and what they mean; the keys to go on.
 */
export function endCard(input: EndCardInput, width: number): Segment[][] {
  const { preset, snap } = input;
  const inner = width - 4;
  const lines: Segment[][] = [];
  const s = input.endNs / 1e9;
  lines.push([{ text: 'Run finished: ', bold: true }, { text: `${preset.name}`, bold: true, color: 'cyan' }, { text: clip(`  ${preset.title}`, Math.max(0, inner - 14 - preset.name.length)) }]);
  lines.push([]);
  const figure: Segment[] = [{ text: 'simulated ' }, { text: `${s.toFixed(3)} s`, bold: true }];
  const e = preset.expected;
  if (e !== undefined) {
    const ratio = s / e.seconds;
    const pct = (ratio - 1) * 100;
    figure.push({ text: `   published ${e.seconds} s   simulated/published ` }, { text: `${ratio.toFixed(2)} (${pct >= 0 ? '+' : ''}${pct.toFixed(1)}%)`, bold: true, color: Math.abs(pct) <= 10 ? 'green' : 'yellow' });
  }
  lines.push(figure);
  // The published figure is for the preset as it is: say so when this run was not that.
  const p = input.preset;
  const asPublished = snap.policy === p.policy && snap.cores.length === p.cores && snap.checkInterval === p.checkInterval && snap.switchIntervalNs === Math.round(p.switchInterval * 1e9);
  if (e !== undefined && (input.changedLive || !asPublished))
    lines.push([{ text: clip(`  (published: the preset as it is, ${p.policy} on ${p.cores} core${p.cores === 1 ? '' : 's'}; this run ${input.changedLive ? 'was changed as it ran' : 'differs'})`, inner), color: 'yellow' }]);
  lines.push([{ text: `policy ${snap.policy}, ${snap.cores.length} core${snap.cores.length === 1 ? '' : 's'}, ${fmtCount(snap.events)} events simulated` }]);
  for (const c of snap.clients) {
    if (c.requests === 0) continue;
    const ms = (ns: number | null) => (ns === null ? '-' : `${(ns / 1e6).toFixed(3)} ms`);
    lines.push([{ text: clip(`client ${c.name}: ${fmtCount(c.requests)} requests, latency p50 ${ms(c.p50Ns)}, p99 ${ms(c.p99Ns)}`, inner) }]);
  }
  lines.push([]);
  lines.push([{ text: 'top counters', bold: true }]);
  const top = counterMeanings
    .map((m) => ({ ...m, value: m.get(snap.counters) }))
    .filter((m) => m.value > 0)
    .sort((a, b) => b.value - a.value)
    .slice(0, 5);
  for (const m of top) lines.push([{ text: `  ${m.name.padEnd(19)}` }, { text: fmtCount(m.value, 12), bold: true }, { text: clip(`  ${m.meaning}`, Math.max(0, inner - 33)) }]);
  lines.push([]);
  lines.push([{ text: 'go on  ', bold: true }, { text: clip(finishedKeys, inner - 7) }]);
  const n = input.next;
  lines.push([{ text: clip(`       R starts it under ${n.policy} on ${n.cores} core${n.cores === 1 ? '' : 's'} (p, c/C change that); Esc closes`, inner), color: 'gray' }]);
  return lines;
}
