import { createHash, type Hash } from 'node:crypto';
import { closeSync, readSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../config/input-error.js';
import { fieldPath, presetFromData, unknownFields } from '../config/load.js';
import { limits, printable } from '../config/preset-schema.js';
import { profileNumbersSchema } from '../config/profile-schema.js';
import { checkDepth, decodeText, formatBytes, inputLimits, openRegularFile, parseJsonText, quote } from '../config/read-input.js';
import type { LoggedAction } from './driver.js';
import { applyDelta, flatten, shapeOf, unflatten, type Flat, type SampleShape } from './sample-codec.js';
import { controlActionSchema, countersSchema, policyNames, threadViewNames, type Snapshot } from '../model/index.js';

/**
 * A recorded session is a JSON Lines file: one JSON object per line, written as the session
 * goes, so that a long session never sits in memory, a kill loses at most the last lines, and a
 * file cut short still loads up to its last complete line.
 *
 *   line 1   header   {format, version, gilTop, createdAt, config: {preset, profile, overrides, seed, sampleEveryNs}, threads}
 *   then     action   {type: "action", atNs, events, action}       every control action, in order
 *            sample   {type: "sample", atNs, events, ...}          a sample written whole
 *            delta    {type: "delta", d: [...]}                    a sample as differences from the one before (version 2)
 *   last     end      {type: "end", reason, atNs, events, samples, actions, sha256, summary}
 *
 * Samples come every `sampleEveryNs` of simulated time. Version 2 writes the first sample (and
 * any after a change of shape, such as a change of core count) whole and the others as `delta`
 * lines (see sample-codec.ts): about 150 bytes a sample instead of a kilobyte. Its end line
 * also counts the samples and actions and carries the SHA-256 of every byte before it, so that
 * a line removed, added or changed after the recording is found. Version 1 files (whole samples,
 * no counts, no checksum) are still read.
 */
export const sessionFormat = 'gil-top-session';
/** The version this build writes; it reads this one and older ones. */
export const sessionVersion = 2;
/** Default simulated time between two samples: 10 ms. */
export const defaultSampleEveryNs = 10_000_000;
/** The latest simulated instant a session may hold: about 11 days. */
const maxNs = 1e15;

const nonNegInt = z.number().int('must be a whole number').nonnegative('must not be negative');
const instant = nonNegInt.max(maxNs, 'is too far in the future');
const num = z.number();
const nullableNum = z.number().nullable();

const between = (min: number, max: number, unit = '') => z.number().min(min, `must be at least ${min}${unit}`).max(max, `must be at most ${max}${unit}`);
const cores = between(limits.cores.min, limits.cores.max).int('must be a whole number');
const ticks = between(limits.checkInterval.min, limits.checkInterval.max).int('must be a whole number');

const overridesSchema = z.strictObject({
  policy: z.enum(policyNames).optional(),
  cores: cores.optional(),
  checkInterval: ticks.optional(),
  switchInterval: between(limits.switchInterval.min, limits.switchInterval.max, ' s').optional(),
  seed: printable(200).optional(),
});

/** Line 1. */
export const headerSchema = z.strictObject({
  format: z.literal(sessionFormat),
  version: z.number().int().positive(),
  /** Version of gil-top that recorded it. */
  gilTop: printable(100),
  /** Wall-clock instant the recording started (ISO 8601). */
  createdAt: printable(100),
  config: z.strictObject({
    /** The preset as data (validated again by the preset schema on load). */
    preset: z.record(z.string(), z.unknown()),
    profile: profileNumbersSchema,
    overrides: overridesSchema,
    /** The seed in effect (the override's or the preset's). */
    seed: printable(200),
    sampleEveryNs: nonNegInt.min(limits.sampleEveryNs.min, `must be at least ${limits.sampleEveryNs.min}`).max(limits.sampleEveryNs.max, `must be at most ${limits.sampleEveryNs.max}`),
  }),
  /** Thread ids and names, so that readers of the samples need not re-simulate. */
  threads: z.array(z.strictObject({ id: nonNegInt, name: printable(24), process: printable(64), python: z.boolean() })).max(512),
});
export type SessionHeader = z.infer<typeof headerSchema>;

const actionSchema = z.discriminatedUnion('type', [
  ...controlActionSchema.options,
  z.strictObject({ type: z.literal('pause') }),
  z.strictObject({ type: z.literal('resume') }),
  z.strictObject({ type: z.literal('speed'), speed: between(limits.speed.min, limits.speed.max) }),
]);

const actionLineSchema = z.strictObject({ type: z.literal('action'), atNs: instant, events: nonNegInt, action: actionSchema });


const sampleLineSchema = z.strictObject({
  type: z.literal('sample'),
  atNs: instant,
  events: nonNegInt,
  policy: z.enum(policyNames),
  checkInterval: num,
  switchIntervalNs: num,
  /** Thread on each online core, -1 when idle. */
  cores: z.array(z.number().int().min(-1)).max(limits.cores.max),
  counters: countersSchema,
  /** One per thread, in id order. */
  threads: z
    .array(
      z.strictObject({
        view: z.enum(threadViewNames),
        core: z.number().int().min(-1),
        holdsGil: z.boolean(),
        cpuNs: num,
        gilHeldNs: num,
        gilWaitNs: num,
        runnableNs: num,
        acquisitions: nonNegInt,
        requests: nonNegInt,
      }),
    )
    .max(512),
  /** One per Python process: holder, waiters, drop request. */
  gils: z.array(z.strictObject({ holder: z.number().int().min(-1), waiters: nonNegInt, dropRequest: z.boolean() })).max(512),
  clients: z.array(z.strictObject({ name: printable(24), requests: nonNegInt, p50Ns: nullableNum, p99Ns: nullableNum, maxNs: nullableNum })).max(512),
});
export type SessionSample = z.infer<typeof sampleLineSchema>;

const deltaLineSchema = z.strictObject({ type: z.literal('delta'), d: z.array(z.unknown()) });

/** Why a recording ended ('failed': the file could not be written to the end). */
export const endReasons = ['finished', 'quit', 'interrupted', 'crashed', 'limit', 'failed'] as const;
export type EndReason = (typeof endReasons)[number];

const endLineSchema = z.strictObject({
  type: z.literal('end'),
  reason: z.enum(endReasons),
  atNs: instant,
  events: nonNegInt,
  /** Samples and actions in the file (version 2). */
  samples: nonNegInt.optional(),
  actions: nonNegInt.optional(),
  /** SHA-256 of every byte before the end line, hex (version 2). */
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 hex digits').optional(),
  /** The final summary, as `gil-top run --json` prints it. */
  summary: z.record(z.string(), z.unknown()),
});
export type SessionEnd = z.infer<typeof endLineSchema>;

/** An action or a sample, in the order of the file. */
export type SessionEntry = { type: 'action'; action: LoggedAction } | { type: 'sample'; sample: SessionSample; flat: Flat; shape: SampleShape };

/** The entries of a session, read from disk as they are asked for. */
export interface SessionStream extends IterableIterator<SessionEntry> {
  /** Closes the file (also done when the stream reaches its end). */
  close(): void;
}

/**
 * A session file, opened: its header and end line, how many actions and samples it holds, and
 * what is wrong with it, from a first pass that validated every line; `entries()` streams the
 * actions and samples again, one at a time, so that a file of any length replays in little memory.
 */
export interface SessionFile {
  file: string;
  header: SessionHeader;
  /** Null when the file was not finalised (cut short). */
  end: SessionEnd | null;
  /** Actions and samples in the file. */
  counts: { actions: number; samples: number };
  /** The last action or sample (where a file without an end line stops), null if none. */
  last: { atNs: number; events: number } | null;
  /** One line each: what was wrong with the file but could be recovered from (a cut-short end). */
  warnings: string[];
  /**
   * One line each: signs that the file was changed after it was recorded (a checksum or a count
   * that does not match its lines). A replay of such a file never reports a match.
   */
  problems: string[];
  /** Streams the actions and samples from the file (not enumerable: lost when posted to a worker). */
  entries(): SessionStream;
}

/** A session file read whole into memory (tests and small files; commands stream). */
export interface LoadedSession extends SessionFile {
  actions: LoggedAction[];
  samples: SessionSample[];
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
 * Opens a session file: reads and validates every line once (bad input throws one InputError
 * line naming the file, the line and field, and the reason), keeping only the header, the end
 * line and the counts. A last line cut short (the recorder was killed) is dropped with a warning,
 * and so is a missing end line.
 */
export function openSessionFile(file: string): SessionFile {
  const reader = new SessionReader(file, true);
  let actions = 0;
  let samples = 0;
  let last: { atNs: number; events: number } | null = null;
  try {
    for (const e of reader) {
      if (e.type === 'action') {
        actions++;
        last = e.action;
      } else {
        samples++;
        last = { atNs: e.flat[0] as number, events: e.flat[1] as number };
      }
    }
  } finally {
    reader.close();
  }
  const header = reader.header!;
  const { end, warnings, problems } = reader;
  if (end === null)
    warnings.push(`${file}: not finalised (no end line); loaded up to ${last === null ? 'its start' : `its last complete ${samples > 0 ? 'sample' : 'action'} at ${seconds(last.atNs)}`}`);
  else if (header.version >= 2) {
    if (end.samples !== samples || end.actions !== actions)
      problems.push(`${file}: the end line counts ${end.samples ?? '?'} samples and ${end.actions ?? '?'} actions, the file holds ${samples} and ${actions} (lines were removed or added)`);
    if (end.sha256 === undefined) problems.push(`${file}: the end line has no checksum (sha256)`);
    else if (end.sha256 !== reader.digest) problems.push(`${file}: its checksum does not match (the file was changed after it was recorded)`);
  }
  const session = { file, header, end, counts: { actions, samples }, last, warnings, problems } as SessionFile;
  // Not enumerable: the session can be posted to a worker thread as data (which reopens it there).
  Object.defineProperty(session, 'entries', { value: () => new SessionReader(file, false), enumerable: false });
  return session;
}

/** Reads a whole session file into memory (see `openSessionFile`). */
export function readSessionFile(file: string): LoadedSession {
  const s = openSessionFile(file);
  const actions: LoggedAction[] = [];
  const samples: SessionSample[] = [];
  for (const e of s.entries()) {
    if (e.type === 'action') actions.push(e.action);
    else samples.push(e.sample);
  }
  return Object.assign(s, { actions, samples });
}

/** Bytes read from the file at a time. */
const chunkBytes = 1 << 20;

/**
 * Reads a session file line by line, in chunks, validating each line and decoding delta samples;
 * an iterator of its actions and samples. The header and end line, warnings and problems are
 * its fields once read. With `hash`, it also computes the SHA-256 of the bytes before the end line.
 */
class SessionReader implements SessionStream {
  header: SessionHeader | null = null;
  end: SessionEnd | null = null;
  readonly warnings: string[] = [];
  readonly problems: string[] = [];
  /** Hex SHA-256 of the bytes before the end line (with `hash`, once read to the end). */
  digest: string | null = null;
  private fd: number | null;
  private readonly size: number;
  private readonly hash: Hash | null;
  private buf = Buffer.alloc(chunkBytes);
  /** Bytes of `buf` holding data not yet split into lines, from `start` to `filled`. */
  private start = 0;
  private filled = 0;
  private eof = false;
  private lineNo = 0;
  private prev: { flat: Flat; shape: SampleShape } | null = null;
  private lastAt = { atNs: 0, events: 0, sampleNs: -1 };

  constructor(
    readonly file: string,
    hash: boolean,
  ) {
    const { fd, size } = openRegularFile(file);
    this.fd = fd;
    this.size = size;
    this.hash = hash ? createHash('sha256') : null;
    try {
      this.readHeader();
    } catch (e) {
      this.close();
      throw e;
    }
  }

  [Symbol.iterator](): this {
    return this;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  next(): IteratorResult<SessionEntry> {
    try {
      for (;;) {
        if (this.end !== null) return this.done();
        const line = this.nextLine();
        if (line === null) return this.done();
        const where = `${this.file}: line ${this.lineNo}`;
        if (line.text.trim() === '') {
          this.hash?.update(line.bytes);
          continue;
        }
        // Most lines are delta samples: checked by hand, without a schema walk (see applyDelta).
        const fast = line.text.startsWith('{"type":"delta","d":[') && this.header!.version >= 2 ? fastDelta(line.text) : null;
        const data = fast ?? parseLineJson(line.text, this.file, this.lineNo);
        const type = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { type?: unknown }).type : undefined;
        if (type === 'end') {
          const end = parseLine(endLineSchema, data, where);
          this.checkOrder(end.atNs, end.events, where, 'end');
          this.end = end;
          this.digest = this.hash?.digest('hex') ?? null;
          if (this.nextLine() !== null) throw new InputError(`${this.file}: line ${this.lineNo}: comes after the end line`);
          return this.done();
        }
        this.hash?.update(line.bytes);
        if (type === 'action') {
          const a = parseLine(actionLineSchema, data, where);
          this.checkOrder(a.atNs, a.events, where, 'action');
          return { done: false, value: { type: 'action', action: { atNs: a.atNs, events: a.events, action: a.action } } };
        }
        if (type === 'sample') {
          const s = parseLine(sampleLineSchema, data, where);
          this.checkSample(s.atNs, s.events, where);
          this.prev = { flat: flatten(s), shape: shapeOf(s) };
          return { done: false, value: { type: 'sample', sample: s, ...this.prev } };
        }
        if (type === 'delta' && this.header!.version >= 2) {
          const d = fast ?? parseLine(deltaLineSchema, data, where);
          if (this.prev === null) throw new InputError(`${where}: a delta sample with no whole sample before it`);
          const v = applyDelta(this.prev.flat, d.d, this.prev.shape);
          if (typeof v === 'string') throw new InputError(`${where}: ${v}`);
          this.checkSample(v[0]!, v[1]!, where);
          const shape = this.prev.shape;
          this.prev = { flat: v, shape };
          return { done: false, value: new DeltaSample(v, shape) };
        }
        throw new InputError(`${where}: type: ${type === undefined ? 'is missing' : `${quote(type)} is not a line of a session (action, sample${this.header!.version >= 2 ? ', delta' : ''}, end)`}`);
      }
    } catch (e) {
      this.close();
      throw e;
    }
  }

  return(): IteratorResult<SessionEntry> {
    return this.done();
  }

  private done(): IteratorResult<SessionEntry> {
    this.close();
    return { done: true, value: undefined };
  }

  /** Checkpoints come in the order they happened: time and events never go back. */
  private checkOrder(atNs: number, events: number, where: string, what: string): void {
    if (atNs < this.lastAt.atNs || events < this.lastAt.events)
      throw new InputError(`${where}: the ${what} at ${seconds(atNs)} after ${events} events comes after one at ${seconds(this.lastAt.atNs)} after ${this.lastAt.events} (out of order)`);
    this.lastAt.atNs = atNs;
    this.lastAt.events = events;
  }

  private checkSample(atNs: number, events: number, where: string): void {
    this.checkOrder(atNs, events, where, 'sample');
    const every = this.header!.config.sampleEveryNs;
    if (atNs <= this.lastAt.sampleNs || atNs % every !== 0) throw new InputError(`${where}: atNs: a sample at ${atNs} ns is not a later multiple of sampleEveryNs (${every})`);
    this.lastAt.sampleNs = atNs;
  }

  private readHeader(): void {
    const line = this.nextLine(true);
    const f = this.file;
    if (line === null) throw new InputError(`${f}: is empty (not a gil-top session)`);
    let first: unknown;
    const text = line.text.charCodeAt(0) === 0xfeff ? line.text.slice(1) : line.text;
    try {
      first = JSON.parse(text);
    } catch {
      // A JSON file that is not line-oriented (a preset given by mistake) is another format.
      if (this.size <= inputLimits.fileBytes) {
        const all = this.readAllForMessage();
        try {
          first = JSON.parse(all);
        } catch {
          parseJsonText(text, f, 1);
        }
      } else parseJsonText(text, f, 1);
    }
    this.header = readHeader(first, f);
    this.hash?.update(line.bytes);
    if (!line.complete) this.warnings.push(`${f}: cut short after its header (no newline at the end of line 1)`);
  }

  /** The whole (small) file as text, for a better message when line 1 is not JSON. */
  private readAllForMessage(): string {
    const buf = Buffer.alloc(this.size);
    let n = 0;
    while (n < this.size) {
      const r = readSync(this.fd!, buf, n, this.size - n, n);
      if (r === 0) break;
      n += r;
    }
    return decodeText(buf.subarray(0, n), this.file);
  }

  /**
   * The next line (without its newline), its bytes (with it) for the checksum, and whether it was
   * complete; null at the end of the file. A last line without a newline is a line being written
   * when the recorder stopped: it is dropped with a warning, except for line 1.
   */
  private nextLine(first = false): { text: string; bytes: Buffer; complete: boolean } | null {
    for (;;) {
      const nl = this.buf.indexOf(10, this.start);
      if (nl >= 0 && nl < this.filled) {
        const bytes = this.buf.subarray(this.start, nl + 1);
        this.start = nl + 1;
        this.lineNo++;
        return { text: decodeLine(bytes.subarray(0, bytes.length - 1), this.file, this.lineNo), bytes, complete: true };
      }
      if (this.eof || this.fd === null) {
        if (this.start >= this.filled) return null;
        const bytes = this.buf.subarray(this.start, this.filled);
        this.start = this.filled;
        this.lineNo++;
        if (first) return { text: decodeLine(bytes, this.file, this.lineNo), bytes, complete: false };
        this.warnings.push(`${this.file}: cut short in line ${this.lineNo}; ignoring that partial line`);
        return null;
      }
      // Keep the unfinished line, make room, read on.
      if (this.start > 0) {
        this.buf.copy(this.buf, 0, this.start, this.filled);
        this.filled -= this.start;
        this.start = 0;
      }
      if (this.filled === this.buf.length) {
        if (this.buf.length >= inputLimits.lineBytes) throw new InputError(`${this.file}: line ${this.lineNo + 1}: is longer than ${formatBytes(inputLimits.lineBytes)} (not a gil-top session line)`);
        const grown = Buffer.alloc(Math.min(inputLimits.lineBytes, this.buf.length * 2));
        this.buf.copy(grown, 0, 0, this.filled);
        this.buf = grown;
      }
      const r = readSync(this.fd, this.buf, this.filled, this.buf.length - this.filled, null);
      if (r === 0) this.eof = true;
      this.filled += r;
    }
  }
}

/** A sample read from a delta line: its flat vector, and the sample object built when first asked for. */
class DeltaSample {
  readonly type = 'sample';
  private built: SessionSample | null = null;

  constructor(
    readonly flat: Flat,
    readonly shape: SampleShape,
  ) {}

  get sample(): SessionSample {
    return (this.built ??= unflatten(this.flat, this.shape));
  }
}

/** A delta line parsed, if it is exactly `{"type":"delta","d":[...]}` (else null: the full path says why not). */
function fastDelta(text: string): { type: 'delta'; d: unknown[] } | null {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof o !== 'object' || o === null) return null;
  const keys = Object.keys(o);
  const d = (o as { d?: unknown }).d;
  return keys.length === 2 && keys[0] === 'type' && keys[1] === 'd' && Array.isArray(d) ? (o as { type: 'delta'; d: unknown[] }) : null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeLine(bytes: Buffer, file: string, lineNo: number): string {
  if (lineNo === 1) return decodeText(bytes, `${file}: line 1`);
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(`${file}: line ${lineNo}: is not UTF-8 text`);
  }
}

function parseLineJson(text: string, file: string, lineNo: number): unknown {
  const data = parseJsonText(text, file, lineNo);
  checkDepth(data, `${file}: line ${lineNo}`, inputLimits.depth + 8);
  return data;
}

function readHeader(data: unknown, file: string): SessionHeader {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new InputError(`${file}: (top level): is not a gil-top session (expected an object with "format": "${sessionFormat}")`);
  const o = data as Record<string, unknown>;
  const format = Object.hasOwn(o, 'format') ? o.format : undefined;
  if (format !== sessionFormat)
    throw new InputError(`${file}: format: ${format === undefined ? 'is missing' : `is ${typeof format === 'string' ? quote(format, 60) : quote(JSON.stringify(format), 60)}`} (not a gil-top session file: expected "${sessionFormat}")`);
  if (typeof o.version === 'number' && o.version > sessionVersion)
    throw new InputError(`${file}: version: ${o.version} is newer than this gil-top reads (${sessionVersion}); upgrade gil-top`);
  checkDepth(data, `${file}: line 1`, inputLimits.depth + 8);
  const header = parseLine(headerSchema, data, `${file}: line 1`);
  // The preset inside must still be a valid preset: replay rebuilds the simulation from it.
  presetFromData(header.config.preset, `${file}: line 1: config.preset`, header.config.profile);
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
  if (issue.code === 'unrecognized_keys') message = unknownFields(issue.keys);
  else if (issue.code === 'invalid_type' && issue.input === undefined) message = 'is missing';
  throw new InputError(`${where}: ${fieldPath(issue.path)}: ${message}`);
}
