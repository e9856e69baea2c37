/**
 * The machine-profile file format. Its values, bounds and reasons are declared once, beside the
 * model's `MachineProfile` (src/os/machine-profile.ts); here they get the configuration's rules
 * for texts (printable) and loop kinds (ones the interpreter knows).
 */
import { z } from 'zod';
import { loopKinds, nsNumber, profileFromFile as numbersOf, profileSchemas, type MachineProfile } from '../model/index.js';
import { printable } from './preset-schema.js';

export { iterationNs, nsNumber, profileLimits } from '../model/index.js';

/** A loop kind the interpreter knows, looked up without walking prototypes. */
export const loopKindName = z.string().refine((k) => Object.hasOwn(loopKinds, k), { message: `must be a loop kind: ${Object.keys(loopKinds).join(', ')}` });

const schemas = profileSchemas({ text: printable, loopKind: loopKindName });

const reasonedNs = z.strictObject({ value: nsNumber(), why: z.string().min(1, 'every value needs a one-line reason') });

/**
 * The JSON shape of `profiles/*.json`: every number comes with the reason it has that value.
 * Beside the model's values, an optional `processes` section: the costs of Python's
 * multiprocessing on that machine. The model does not read them; a preset's CPU-bound workers
 * run as processes (`gil-top sweep --param processes=...`, src/config/workers.ts) are built from
 * them as ordinary operations (a C call holding the child's GIL, a start delay).
 */
export const profileFileSchema = schemas.file.extend({
  processes: z
    .strictObject({
      /** `os.fork()` of a small CPython process, in the parent. */
      forkNs: reasonedNs,
      /** From fork's return to the child running its target (multiprocessing's bootstrap in the child). */
      childStartNs: reasonedNs,
      /** `pickle.dumps` or `pickle.loads` of one small message (a task or a result). */
      pickleNs: reasonedNs,
    })
    .optional(),
});

/** A profile file as parsed: every value with its reason. */
export type ProfileFile = z.infer<typeof profileFileSchema>;

/** The numbers the model uses, from a parsed profile file (the `processes` section is not the model's). */
export function profileFromFile(f: ProfileFile): MachineProfile {
  const { processes: _processes, ...model } = f;
  return numbersOf(model);
}

/** The multiprocessing costs of a profile, in ns. */
export type ProcessCosts = { forkNs: number; childStartNs: number; pickleNs: number };

/** The multiprocessing costs of a profile file, without their reasons (null when it has none). */
export function processCostsFromFile(f: ProfileFile): ProcessCosts | null {
  const p = f.processes;
  return p === undefined ? null : { forkNs: p.forkNs.value, childStartNs: p.childStartNs.value, pickleNs: p.pickleNs.value };
}

/** The profile as a recorded session carries it: plain numbers, within the same bounds. */
export const profileNumbersSchema = schemas.numbers;
