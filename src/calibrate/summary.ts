import type { Measurements } from './fit/index.js';
import type { BuiltProfile } from './profile-writer.js';
import { optionalProfileMap, profileMap } from './profile-map.js';
import { fmt } from './stats.js';

/** The end of a calibration in lines: notes, the profile's measured values, the GIL battle's counts. */
export function summaryLines(built: BuiltProfile, m: Measurements, notes: string[]): string[] {
  const lines: string[] = [];
  if (notes.length > 0) lines.push('', 'notes:', ...notes.map((n) => `  ${n}`));
  lines.push('', `profile values (${built.measured.length} of ${profileMap.length} measured${built.complete ? '' : `; ${built.missing.length} from the base profile`}):`);
  for (const [key, figure] of profileMap) {
    const f = m[figure];
    const missing = built.missing.find((x) => x.key === key);
    lines.push(`  ${key.padEnd(44)} ${missing ? 'not measured' : fmt(f!.value).padStart(10)}  ${figure}`);
  }
  for (const x of built.missing) lines.push(`  ${x.key} comes from the base profile: ${x.reason.length > 160 ? x.reason.slice(0, 157) + '...' : x.reason}`);
  const battle = Object.keys(m)
    .filter((k) => k.startsWith('battle.') && /(PerCheck|PerForcedSwitch|\.seconds)$/.test(k))
    .sort();
  if (battle.length > 0) {
    lines.push('', 'GIL battle (per Python 2 check, per Python 3 forced switch):');
    for (const k of battle) lines.push(`  ${k.padEnd(44)} ${fmt(m[k].value).padStart(10)}`);
  }
  const mapped = new Set([...profileMap, ...optionalProfileMap].map(([, figure]) => figure));
  const other = ['ticks.countdown', 'ticks.fib', 'ticks.compareJump', 'ticks.perCheck', 'checkcost.10', 'checkcost.1000', 'checkcost.plainCheck', 'syscalls.bare', 'syscalls.futexWaitEagain', 'syscalls.timerSlack', 'syscalls.sleepOvershoot', 'switch.hop2cpu', 'cacheline.transfer', 'cacheline.local'].filter((k) => m[k] !== undefined && !mapped.has(k));
  if (other.length > 0) {
    lines.push('', 'figures the profile has no key for yet:');
    for (const k of other) lines.push(`  ${k.padEnd(44)} ${fmt(m[k].value).padStart(10)}`);
  }
  lines.push('');
  return lines;
}
