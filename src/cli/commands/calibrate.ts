import { calibrate } from '../../calibrate/calibrate.js';
import { InputError } from '../../config/input-error.js';
import type { Parsed } from '../options.js';

/**
 * `gil-top calibrate [--python PATH]... [--out FILE] [--base NAME] [--force] [--quick]`: runs the
 * probes under real interpreters and writes a machine profile with the raw output beside it.
 */
export async function calibrateCommand(p: Parsed): Promise<number> {
  if (p.args.length > 0) throw new InputError(`calibrate takes no argument (got "${p.args[0]}"); give interpreters with --python PATH`);
  const v = p.values.python;
  const pythons = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  if (pythons.some((x) => x.trim() === '')) throw new InputError('--python: needs a path to an interpreter');
  const out = typeof p.values.out === 'string' ? p.values.out : 'gil-top-profile.json';
  if (!out.endsWith('.json')) throw new InputError(`--out: ${out}: a machine profile is a .json file`);
  return calibrate({
    pythons,
    out,
    force: p.values.force === true,
    quick: p.values.quick === true,
    base: typeof p.values.base === 'string' ? p.values.base : 'epyc-vm',
    fromRaw: typeof p.values['from-raw'] === 'string' ? p.values['from-raw'] : undefined,
    log: (line) => process.stdout.write(line + '\n'),
  });
}
