/** Counts from `perf stat -x,` output, by event name; an event perf could not count is absent. */
export function parsePerfCsv(csv: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of csv.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const [value, , event] = line.split(',');
    if (event === undefined) continue;
    const n = Number(value);
    if (value.trim() !== '' && Number.isFinite(n)) out[event.trim()] = n;
  }
  return out;
}

/** The events gil-top asks perf for: context switches and futex system calls. */
export const perfEvents = ['context-switches', 'syscalls:sys_enter_futex'] as const;
