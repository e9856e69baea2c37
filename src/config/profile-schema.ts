/**
 * The machine-profile file format. Its values, bounds and reasons are declared once, beside the
 * model's `MachineProfile` (src/os/machine-profile.ts); here they get the configuration's rules
 * for texts (printable) and loop kinds (ones the interpreter knows).
 */
import { z } from 'zod';
import { loopKinds, profileSchemas } from '../model/index.js';
import { printable } from './preset-schema.js';

export { iterationNs, nsNumber, profileFromFile, profileLimits, type ProfileFile } from '../model/index.js';

/** A loop kind the interpreter knows, looked up without walking prototypes. */
export const loopKindName = z.string().refine((k) => Object.hasOwn(loopKinds, k), { message: `must be a loop kind: ${Object.keys(loopKinds).join(', ')}` });

const schemas = profileSchemas({ text: printable, loopKind: loopKindName });

/** The JSON shape of `profiles/*.json`: every number comes with the reason it has that value. */
export const profileFileSchema = schemas.file;

/** The profile as a recorded session carries it: plain numbers, within the same bounds. */
export const profileNumbersSchema = schemas.numbers;
