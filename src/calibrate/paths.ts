import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's own folder (from `src/calibrate` under tsx and from `dist/calibrate` once built). */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Where the probe scripts are shipped. */
export const probesDir = join(packageRoot, 'calibrate', 'probes');

/** The path of a probe script by name (`loops` -> .../calibrate/probes/loops.py). */
export const probeScript = (name: string): string => join(probesDir, `${name}.py`);

/** The CPUs this process may run on (Cpus_allowed_list), in order; [0] where unreadable. */
export function allowedCpus(): number[] {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Cpus_allowed_list:'));
    if (line === undefined) return [0];
    const cpus: number[] = [];
    for (const part of line.split(':')[1].trim().split(',')) {
      const [a, b] = part.split('-').map(Number);
      for (let c = a; c <= (b ?? a); c++) cpus.push(c);
    }
    return cpus.length > 0 ? cpus : [0];
  } catch {
    return [0];
  }
}

/** /proc/loadavg's three load averages, or null where unreadable. */
export function loadavg(): number[] | null {
  try {
    return readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).map(Number);
  } catch {
    return null;
  }
}
