import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parsePerfCsv, perfEvents } from './perf-csv.js';
import { lastLines, runCommand, type Finished } from './spawn.js';

/** Whether `perf stat` can count context switches and futex calls here, and if not, why (one line). */
export async function perfAvailability(): Promise<{ available: boolean; reason: string }> {
  const r = await runUnderPerf(['true'], 30);
  if (r.spawnError) return { available: false, reason: r.spawnError.code === 'ENOENT' ? 'perf is not installed (not on PATH)' : `perf cannot be run (${r.spawnError.code ?? r.spawnError.message})` };
  if (r.exitCode !== 0) {
    let paranoid = '';
    try {
      paranoid = `, /proc/sys/kernel/perf_event_paranoid = ${readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim()}`;
    } catch {
      // not Linux, or hidden
    }
    return { available: false, reason: `perf stat refused (${lastLines(r.stderr).slice(0, 160) || `exit status ${r.exitCode}`}${paranoid})` };
  }
  const counts = parsePerfCsv(r.perfCsv);
  const lacking = perfEvents.filter((e) => counts[e] === undefined);
  if (lacking.length > 0) return { available: false, reason: `perf stat cannot count ${lacking.join(' and ')} here (tracefs missing or not permitted)` };
  return { available: true, reason: `perf stat counts ${perfEvents.join(' and ')}` };
}

/** Runs a command under `perf stat -x, -e context-switches,syscalls:sys_enter_futex`, returning perf's CSV too. */
export async function runUnderPerf(cmd: readonly string[], timeoutS: number): Promise<Finished & { perfCsv: string; command: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'gil-top-perf-'));
  const csv = join(dir, 'perf.csv');
  const command = ['perf', 'stat', '-x,', '-e', perfEvents.join(','), '-o', csv, '--', ...cmd];
  try {
    const r = await runCommand(command, timeoutS);
    let perfCsv = '';
    try {
      perfCsv = readFileSync(csv, 'utf8');
    } catch {
      // perf did not get as far as writing it
    }
    return { ...r, perfCsv, command };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
