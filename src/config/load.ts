import { readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { InputError } from './input-error.js';
import { checkDepth, didYouMean, quote, readInputJson } from './read-input.js';
import { presetFileSchema, type PresetFile } from './preset-schema.js';
import { profileFileSchema, profileFromFile, type ProfileFile } from './profile-schema.js';
import { type SimConfig, type MachineProfile, type PolicyName, loopKinds, type OpSpec } from '../model/index.js';

/** The package's own folder (works from `src/` under tsx and from `dist/` once built). */
const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Where the shipped presets live. */
export const presetsDir = join(packageRoot, 'presets');
/** Where the shipped machine profiles live. */
export const profilesDir = join(packageRoot, 'profiles');

/** A validated preset with its machine profile resolved. */
export interface Preset extends PresetFile {
  /** File it was read from. */
  file: string;
  /** The machine profile it names, loaded and validated. */
  machine: MachineProfile;
}

/** Reads a preset or profile file through the one door (regular file, size cap, UTF-8, nesting bound). */
export function readJson(file: string, what = 'a preset'): unknown {
  return readInputJson(file, what);
}

/** `threads[1].program[0].iterations` from a zod issue path. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    const key = typeof p === 'string' && !/^[A-Za-z_$][\w$]{0,40}$/.test(p) ? quote(p, 40) : String(p);
    out += typeof p === 'number' ? `[${p}]` : out === '' ? key : `.${key}`;
  }
  return out === '' ? '(top level)' : out;
}

/** Validates `data` with `schema`, or throws one line naming the file, the field and the reason. */
export function parseWith<S extends z.ZodType>(schema: S, data: unknown, file: string): z.infer<S> {
  const r = schema.safeParse(data);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = unknownFields(issue.keys);
  if (issue.code === 'invalid_type' && valueAt(data, issue.path) === undefined) message = 'is missing';
  return (() => {
    throw new InputError(`${file}: ${fieldPath(issue.path)}: ${message}`);
  })();
}

/** `unknown field "colour"`, or the first few of many, each quoted and cut short. */
export function unknownFields(keys: readonly string[]): string {
  const shown = keys.slice(0, 3).map((k) => quote(k, 40));
  return `unknown field${keys.length > 1 ? 's' : ''} ${shown.join(', ')}${keys.length > 3 ? ` and ${keys.length - 3} more` : ''}`;
}

function valueAt(data: unknown, path: readonly PropertyKey[]): unknown {
  let v: unknown = data;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    if (!Object.hasOwn(v, k)) return undefined;
    v = (v as Record<PropertyKey, unknown>)[k];
  }
  return v;
}

/** Resolves a name (`article-vm`) or a path (`./my.json`) to a file in `dir`. */
function resolveFile(nameOrPath: string, dir: string, what: string): string {
  if (nameOrPath.endsWith('.json') || nameOrPath.includes('/')) return resolve(nameOrPath);
  const known = listNames(dir);
  if (!known.includes(nameOrPath)) {
    const guess = didYouMean(nameOrPath, known);
    throw new InputError(`unknown ${what} ${quote(nameOrPath)} (${guess === null ? `known: ${known.join(', ')}` : `did you mean "${guess}"?`}; or give a path to a .json file)`);
  }
  return join(dir, `${nameOrPath}.json`);
}

function listNames(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** Loads and validates a machine profile by name or path. */
export function loadProfile(nameOrPath: string, relativeTo = profilesDir): MachineProfile {
  return profileFromFile(loadProfileFile(nameOrPath, relativeTo));
}

/** Loads and validates a machine profile file by name or path, with the reasons of its values. */
export function loadProfileFile(nameOrPath: string, relativeTo = profilesDir): ProfileFile {
  const file = nameOrPath.includes('/') || nameOrPath.endsWith('.json') ? resolve(relativeTo, nameOrPath) : resolveFile(nameOrPath, profilesDir, 'machine profile');
  return parseWith(profileFileSchema, readJson(file, 'a machine profile'), file);
}

/** Loads and validates a preset by name (`py2-threads-2cores`) or path. */
export function loadPreset(nameOrPath: string): Preset {
  const file = resolveFile(nameOrPath, presetsDir, 'preset');
  return presetFromData(readJson(file), file);
}

/** Validates preset data (from a file or a session recording) and resolves its profile. */
export function presetFromData(data: unknown, file: string, machine?: MachineProfile): Preset {
  checkDepth(data, file);
  const p = parseWith(presetFileSchema, data, file);
  const m = machine ?? loadProfileFor(p.profile, file);
  const used = new Set<string>();
  const walk = (ops: OpSpec[]) => ops.forEach((op) => (op.op === 'loop' ? used.add(op.kind) : op.op === 'repeat' || op.op === 'request' ? walk(op.body) : undefined));
  p.threads.forEach((t) => walk(t.program));
  for (const kind of used)
    for (const interp of ['py2', 'py3'] as const)
      if (!Object.hasOwn(m.interpreter.nsPerIteration, kind) || m.interpreter.nsPerIteration[kind][interp] === undefined)
        throw new InputError(`${file}: profile: machine profile ${quote(m.name)} has no cost for a ${loopKinds[kind].name} iteration under ${interp} (interpreter.nsPerIteration.${kind}.${interp})`);
  for (const kind of used)
    if (!Object.hasOwn(m.interpreter.py2TicksPerIteration, kind))
      throw new InputError(`${file}: profile: machine profile ${quote(m.name)} does not say how many Python 2 ticks a ${loopKinds[kind].name} iteration counts (interpreter.py2TicksPerIteration.${kind})`);
  return { ...p, file, machine: m };
}

function loadProfileFor(profile: string, presetFile: string): MachineProfile {
  try {
    return loadProfile(profile, dirname(presetFile));
  } catch (e) {
    if (e instanceof InputError) throw new InputError(`${presetFile}: profile: ${e.message}`);
    throw e;
  }
}

/** Every shipped preset, validated, in name order. */
export function listPresets(): Preset[] {
  return listNames(presetsDir).map((n) => loadPreset(n));
}

/** What the user may change over a preset: from the command line or a session file. */
export interface Overrides {
  policy?: PolicyName;
  cores?: number;
  checkInterval?: number;
  /** Seconds. */
  switchInterval?: number;
  seed?: string;
}

/** The engine's configuration for a preset with the user's overrides. */
export function configFor(preset: Preset, o: Overrides = {}): SimConfig {
  return {
    profile: preset.machine,
    policy: o.policy ?? preset.policy,
    cores: o.cores ?? preset.cores,
    checkInterval: o.checkInterval ?? preset.checkInterval,
    switchIntervalNs: Math.round((o.switchInterval ?? preset.switchInterval) * 1e9),
    seed: o.seed ?? preset.seed,
    threads: preset.threads,
    actors: preset.actors,
  };
}
