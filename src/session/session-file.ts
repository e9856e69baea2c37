import { z } from 'zod';
import { InputError } from '../config/input-error.js';
import { fieldPath, readText } from '../config/load.js';
import { presetFileSchema } from '../config/preset-schema.js';
import { profileFileSchema } from '../config/profile-schema.js';
import type { LoggedAction } from './driver.js';
import { type Snapshot, threadViewNames, type MachineProfile, policyNames } from '../model/index.js';

/**
 * A recorded session is a JSON Lines file: one JSON object per line, written as the session
 * goes, so that a long session never sits in memory, a kill loses at most the line being
 * written, and a file cut short still loads up to its last complete line.
 *
 *   line 1   header   {format, version, gilTop, createdAt, config: {preset, profile, overrides, seed, sampleEveryNs}, threads}
 *   then     action   {type: "action", atNs, events, action}       every control action, in order
 *            sample   {type: "sample", atNs, events, ...}          every `sampleEveryNs` of simulated time
 *   last     end      {type: "end", reason, atNs, events, summary} written when the session is finalised
 */
export const sessionFormat = 'gil-top-session';
/** The version this build writes; it reads this one and older ones. */
export const sessionVersion = 1;
/** Default simulated time between two samples: 10 ms. */
export const defaultSampleEveryNs = 10_000_000;

const nonNegInt = z.number().int('must be a whole number').nonnegative('must not be negative');
const num = z.number();
const nullableNum = z.number().nullable();

/** An object with the same keys as a profile section, each a plain number. */
function numbersLike(shape: Record<string, unknown>) {
  return z.strictObject(Object.fromEntries(Object.keys(shape).map((k) => [k, nonNegInt])));
}

/** The machine profile as the engine uses it (numbers only; the reasons stay in `profiles/`). */
const profileSchema: z.ZodType<MachineProfile> = z.strictObject({
  name: z.string().min(1),
  description: z.string(),
  jitter: z.number().min(0).max(0.9),
  scheduler: numbersLike(profileFileSchema.shape.scheduler.shape),
  syscalls: numbersLike(profileFileSchema.shape.syscalls.shape),
  interpreter: z.strictObject({
    nsPerIteration: z.record(z.string(), z.strictObject({ py2: z.number().positive().optional(), py3: z.number().positive().optional() })),
    py2LockPairNs: nonNegInt,
    mutexNs: nonNegInt,
    freeThreadedOverhead: z.number().min(0).max(10),
  }),
}) as unknown as z.ZodType<MachineProfile>;

const overridesSchema = z.strictObject({
  policy: z.enum(policyNames).optional(),
  cores: z.number().int().positive().optional(),
  checkInterval: z.number().int().positive().optional(),
  switchInterval: z.number().positive().optional(),
  seed: z.string().optional(),
});

/** Line 1. */
export const headerSchema = z.strictObject({
  format: z.literal(sessionFormat),
  version: z.number().int().positive(),
  /** Version of gil-top that recorded it. */
  gilTop: z.string(),
  /** Wall-clock instant the recording started (ISO 8601). */
  createdAt: z.string(),
  config: z.strictObject({
    /** The preset as data (validated again by the preset schema on load). */
    preset: z.record(z.string(), z.unknown()),
    profile: profileSchema,
    overrides: overridesSchema,
    /** The seed in effect (the override's or the preset's). */
    seed: z.string(),
    sampleEveryNs: z.number().int().positive(),
  }),
  /** Thread ids and names, so that readers of the samples need not re-simulate. */
  threads: z.array(z.strictObject({ id: nonNegInt, name: z.string(), process: z.string(), python: z.boolean() })),
});
export type SessionHeader = z.infer<typeof headerSchema>;

const actionSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('policy'), policy: z.enum(policyNames) }),
  z.strictObject({ type: z.literal('checkInterval'), ticks: z.number().int().positive() }),
  z.strictObject({ type: z.literal('switchInterval'), ns: z.number().positive() }),
  z.strictObject({ type: z.literal('cores'), cores: z.number().int().positive() }),
  z.strictObject({ type: z.literal('signal') }),
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('speed'), speed: z.number().positive() }),
]);

const actionLineSchema = z.strictObject({ type: z.literal('action'), atNs: num, events: nonNegInt, action: actionSchema });

const countersSchema = z.strictObject({
  syscalls: z.strictObject({
    futex_wait: nonNegInt,
    futex_wait_timeout: nonNegInt,
    futex_wake: nonNegInt,
    recv: nonNegInt,
    send: nonNegInt,
    accept: nonNegInt,
    connect: nonNegInt,
    close: nonNegInt,
    clock_nanosleep: nonNegInt,
  }),
  wakeups: nonNegInt,
  spuriousWakeups: nonNegInt,
  contextSwitches: z.strictObject({ voluntary: nonNegInt, involuntary: nonNegInt }),
  gilAcquisitions: nonNegInt,
  gilSwitches: nonNegInt,
  dropRequests: nonNegInt,
  forcedSwitches: nonNegInt,
  ticks: nonNegInt,
  checks: nonNegInt,
});

const sampleLineSchema = z.strictObject({
  type: z.literal('sample'),
  atNs: num,
  events: nonNegInt,
  policy: z.enum(policyNames),
  checkInterval: num,
  switchIntervalNs: num,
  /** Thread on each online core, -1 when idle. */
  cores: z.array(z.number().int()),
  counters: countersSchema,
  /** One per thread, in id order. */
  threads: z.array(
    z.strictObject({
      view: z.enum(threadViewNames),
      core: z.number().int(),
      holdsGil: z.boolean(),
      cpuNs: num,
      gilHeldNs: num,
      gilWaitNs: num,
      runnableNs: num,
      acquisitions: nonNegInt,
      requests: nonNegInt,
    }),
  ),
  /** One per Python process: holder, waiters, drop request. */
  gils: z.array(z.strictObject({ holder: z.number().int(), waiters: nonNegInt, dropRequest: z.boolean() })),
  clients: z.array(z.strictObject({ name: z.string(), requests: nonNegInt, p50Ns: nullableNum, p99Ns: nullableNum, maxNs: nullableNum })),
});
export type SessionSample = z.infer<typeof sampleLineSchema>;

/** Why a recording ended. */
export const endReasons = ['finished', 'quit', 'interrupted', 'crashed', 'limit'] as const;
export type EndReason = (typeof endReasons)[number];

const endLineSchema = z.strictObject({
  type: z.literal('end'),
  reason: z.enum(endReasons),
  atNs: num,
  events: nonNegInt,
  /** The final summary, as `gil-top run --json` prints it. */
  summary: z.record(z.string(), z.unknown()),
});
export type SessionEnd = z.infer<typeof endLineSchema>;

const lineSchema = z.discriminatedUnion('type', [actionLineSchema, sampleLineSchema, endLineSchema]);

/** A session file, loaded. */
export interface SessionFile {
  file: string;
  header: SessionHeader;
  actions: LoggedAction[];
  /** For each action, how many samples precede it in the file (several can share an instant). */
  samplesBeforeAction: number[];
  samples: SessionSample[];
  /** Null when the file was not finalised (cut short). */
  end: SessionEnd | null;
  /** One line each: what was wrong with the file but could be recovered from. */
  warnings: string[];
}

/** The sample line for a snapshot: what replay compares, kept small. */
export function sampleOf(s: Snapshot): SessionSample {
  return {
    type: 'sample',
    atNs: s.now,
    events: s.events,
    policy: s.policy,
    checkInterval: s.checkInterval,
    switchIntervalNs: s.switchIntervalNs,
    cores: s.cores.map((c) => c.thread),
    counters: s.counters,
    threads: s.threads.map((t) => ({
      view: t.view,
      core: t.core,
      holdsGil: t.holdsGil,
      cpuNs: t.cpuNs,
      gilHeldNs: t.gilHeldNs,
      gilWaitNs: t.gilWaitNs,
      runnableNs: t.runnableNs,
      acquisitions: t.acquisitions,
      requests: t.requests,
    })),
    gils: s.processes.map((p) => ({ holder: p.gil.holder, waiters: p.gil.waiters, dropRequest: p.gil.dropRequest })),
    clients: s.clients.map((c) => ({ name: c.name, requests: c.requests, p50Ns: c.p50Ns, p99Ns: c.p99Ns, maxNs: c.maxNs })),
  };
}

const seconds = (ns: number) => `${(ns / 1e9).toFixed(3)} s`;

/**
 * Reads and validates a session file. Bad input throws one InputError line naming the file, the
 * line and field, and the reason. A last line cut short (the recorder was killed) is dropped with
 * a warning, and so is a missing end line.
 */
export function readSessionFile(file: string): SessionFile {
  const text = readText(file);
  if (text.trim() === '') throw new InputError(`${file}: is empty (not a gil-top session)`);
  const lines = text.split('\n');
  const warnings: string[] = [];

  // Line 1: the header. A file that is JSON but not line-oriented is another format.
  let first: unknown;
  try {
    first = JSON.parse(lines[0]);
  } catch (e) {
    try {
      first = JSON.parse(text);
    } catch {
      throw new InputError(`${file}: is not JSON (line 1: ${(e as Error).message})`);
    }
  }
  const header = readHeader(first, file);
  if (lines.length === 1) warnings.push(`${file}: cut short after its header (no newline at the end of line 1)`);

  const actions: LoggedAction[] = [];
  const samplesBeforeAction: number[] = [];
  const samples: SessionSample[] = [];
  let end: SessionEnd | null = null;
  // The file ends with a newline; text after the last one is a line being written when it stopped.
  const complete = lines.length - 1;
  for (let i = 1; i < lines.length; i++) {
    const where = `${file}: line ${i + 1}`;
    const line = lines[i];
    if (i === complete) {
      if (line !== '') warnings.push(`${file}: cut short in line ${i + 1}; ignoring that partial line`);
      break;
    }
    if (line.trim() === '') continue;
    if (end !== null) throw new InputError(`${where}: comes after the end line`);
    let data: unknown;
    try {
      data = JSON.parse(line);
    } catch (e) {
      throw new InputError(`${where}: is not JSON (${(e as Error).message})`);
    }
    const entry = parseLine(lineSchema, data, where);
    if (entry.type === 'action') {
      actions.push({ atNs: entry.atNs, events: entry.events, action: entry.action });
      samplesBeforeAction.push(samples.length);
    }
    else if (entry.type === 'sample') samples.push(entry);
    else end = entry;
  }
  if (end === null) {
    const last = samples.at(-1);
    warnings.push(`${file}: not finalised (no end line); loaded up to ${last === undefined ? 'its start' : `its last complete sample at ${seconds(last.atNs)}`}`);
  }
  return { file, header, actions, samplesBeforeAction, samples, end, warnings };
}

function readHeader(data: unknown, file: string): SessionHeader {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError(`${file}: (top level): is not a gil-top session (expected an object with "format": "${sessionFormat}")`);
  const o = data as Record<string, unknown>;
  if (o.format !== sessionFormat)
    throw new InputError(`${file}: format: ${o.format === undefined ? 'is missing' : `is ${JSON.stringify(o.format)}`} (not a gil-top session file: expected "${sessionFormat}")`);
  if (typeof o.version === 'number' && o.version > sessionVersion)
    throw new InputError(`${file}: version: ${o.version} is newer than this gil-top reads (${sessionVersion}); upgrade gil-top`);
  const header = parseLine(headerSchema, data, `${file}: line 1`);
  // The preset inside must still be a valid preset: replay rebuilds the simulation from it.
  parseLine(presetFileSchema, header.config.preset, `${file}: line 1: config.preset`);
  return header;
}

/**
 * Validates `data` with `schema`, or throws one line naming the file, the field and the reason.
 * Like `parseWith` in config/load.ts, but asks zod for each issue's input, so that a field of
 * the wrong type is told apart from a missing one.
 */
function parseLine<S extends z.ZodType>(schema: S, data: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(data, { reportInput: true });
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  let message = issue.message;
  if (issue.code === 'unrecognized_keys') message = `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  else if (issue.code === 'invalid_type' && issue.input === undefined) message = 'is missing';
  throw new InputError(`${where}: ${fieldPath(issue.path)}: ${message}`);
}
