import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { profileFileSchema, type ProfileFile } from '../config/profile-schema.js';
import type { Measurements } from './fit/index.js';
import { optionalProfileMap, profileMap } from './profile-map.js';

/** How a value's reason starts when calibrate measured it. */
export const MEASURED = 'measured by gil-top calibrate: ';
/** How it starts when a mapped value could not be measured (the profile is then partial). */
export const NOT_MEASURED = 'not measured by gil-top calibrate';
/** How a value that no probe measures is introduced: the base profile's value and reason follow. */
const UNMEASURED_PREFIX = 'no calibrate probe measures this; from profile ';

/** A profile's value with its reason. */
export type Reasoned = { value: number; why: string };

/** A profile built from measurements over a base profile, and what was and was not measured. */
export interface BuiltProfile {
  profile: ProfileFile;
  measured: string[];
  /** Mapped keys that came from the base, each with why. */
  missing: { key: string; reason: string }[];
  complete: boolean;
}

/** The reasoned value at `path` in a profile file, undefined if there is none. */
export function leafAt(root: unknown, path: string[]): Reasoned | undefined {
  let v: unknown = root;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[k];
  }
  return v !== null && typeof v === 'object' && 'value' in v ? (v as Reasoned) : undefined;
}

function setLeaf(root: Record<string, unknown>, path: string[], leaf: Reasoned): void {
  let o = root;
  for (const k of path.slice(0, -1)) {
    if (o[k] === undefined || o[k] === null || typeof o[k] !== 'object') o[k] = {};
    o = o[k] as Record<string, unknown>;
  }
  o[path[path.length - 1]] = leaf;
}

/** Paths of every reasoned value in a profile file. */
function leaves(o: unknown, prefix: string[] = []): string[][] {
  if (o === null || typeof o !== 'object') return [];
  if ('value' in o && 'why' in o) return [prefix];
  return Object.entries(o).flatMap(([k, v]) => leaves(v, [...prefix, k]));
}

/** A value fit for a key: whole nanoseconds for `...Ns` keys, positive where the schema wants it. */
function usable(key: string, value: number): { value: number } | { problem: string } {
  const v = key.endsWith('Ns') ? Math.round(value) : Math.round(value * 100) / 100;
  if (v < 0) return { problem: `measured ${value.toFixed(1)}, below zero: noise larger than the effect` };
  if (v === 0 && key.includes('nsPerIteration')) return { problem: 'measured 0' };
  return { value: v };
}

/**
 * Sets every key of the profile map that has a usable figure; the rest of the schema comes from
 * the base profile, each reason saying so. The result is validated against the profile schema.
 */
export function buildProfile(base: ProfileFile, baseName: string, m: Measurements, meta: { name: string; description: string }): BuiltProfile {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  out.name = meta.name;
  out.description = meta.description;
  delete out.$schema;
  const measured: string[] = [];
  const missing: BuiltProfile['missing'] = [];
  const done = new Set<string>();
  const mapped = (key: string, figure: string, required: boolean) => {
    const path = key.split('.');
    const f = m[figure];
    const u = f === undefined ? undefined : usable(key, f.value);
    if (f !== undefined && u !== undefined && 'value' in u) {
      setLeaf(out, path, { value: u.value, why: MEASURED + f.why });
      measured.push(key);
      done.add(key);
      return;
    }
    if (!required) return;
    const reason = f === undefined ? `no figure "${figure}": its probe failed, was skipped or did not run` : `"${figure}" ${(u as { problem: string }).problem} (${f.why})`;
    const b = leafAt(base, path);
    if (b !== undefined) setLeaf(out, path, { value: b.value, why: `${NOT_MEASURED} (${reason}); from profile ${baseName}: ${b.why}` });
    missing.push({ key, reason });
    done.add(key);
  };
  for (const [key, figure] of profileMap) mapped(key, figure, true);
  for (const [key, figure] of optionalProfileMap) mapped(key, figure, false);
  for (const path of leaves(base)) {
    const key = path.join('.');
    if (done.has(key)) continue;
    const b = leafAt(base, path)!;
    // A base that is itself a calibration already says where such a value comes from.
    const why = b.why.startsWith(UNMEASURED_PREFIX) ? b.why : `${UNMEASURED_PREFIX}${baseName}: ${b.why}`;
    setLeaf(out, path, { value: b.value, why });
  }
  const profile = profileFileSchema.parse(out);
  return { profile, measured, missing, complete: missing.length === 0 };
}

/** What an existing output file is: absent, a calibration (complete or not), or something else. */
export function existingKind(file: string): 'absent' | 'complete' | 'partial' | 'other' {
  if (!existsSync(file)) return 'absent';
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return 'other';
  }
  const p = profileFileSchema.safeParse(data);
  if (!p.success) return 'other';
  const whys = leaves(p.data).map((path) => leafAt(p.data, path)!.why);
  if (!whys.some((w) => w.startsWith(MEASURED))) return 'other';
  return whys.some((w) => w.startsWith(NOT_MEASURED)) ? 'partial' : 'complete';
}

/** `x.json` -> `x.raw.json`: where the raw probe output goes beside a profile. */
export const rawPathFor = (profileFile: string): string => profileFile.replace(/(\.json)?$/, '.raw.json');

/** Where a profile ends up and what the user is told about it. */
export interface WriteDecision {
  file: string;
  message: string;
  /** false when the profile went beside OUT instead of into it (exit status 1). */
  intoOut: boolean;
}

/**
 * Decides where a profile may go: OUT if absent, with --force, or when it replaces an earlier
 * calibration that is not better (a partial profile never replaces a complete one without
 * --force: it goes to OUT.partial.json, or OUT.partial-2.json ..., never over a file).
 */
export function decideWrite(out: string, complete: boolean, force: boolean): WriteDecision {
  const kind = existingKind(out);
  if (kind === 'absent') return { file: out, message: `wrote ${out}`, intoOut: true };
  if (force) return { file: out, message: `wrote ${out} (replacing it: --force)`, intoOut: true };
  if (kind === 'other') throw new Error(`${out}: exists and is not a profile gil-top calibrate wrote`); // checked before probing
  if (complete || kind === 'partial') return { file: out, message: `wrote ${out} (replacing an earlier ${kind} calibration)`, intoOut: true };
  let alt = out.replace(/(\.json)?$/, '.partial.json');
  for (let i = 2; existsSync(alt); i++) alt = out.replace(/(\.json)?$/, `.partial-${i}.json`);
  return { file: alt, message: `${out} holds a complete calibration and this one is partial: wrote ${alt} instead (--force replaces ${out})`, intoOut: false };
}

/** Writes a file through a temporary one, so a crash never leaves half a profile. */
export function writeAtomically(file: string, text: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, file);
}
