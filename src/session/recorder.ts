import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, ftruncateSync, writeSync } from 'node:fs';
import { InputError, OutputError } from '../config/input-error.js';
import { ioReason, oneLine } from '../config/read-input.js';
import { runExitCleanups } from './exit-cleanup.js';
import { releaseSignals, signalExitCodes } from './signal-hold.js';
import type { WallBudget } from './wall-budget.js';
import { openOutputFile } from './output-file.js';
import { deltaLine, flattenSnapshot, shapeOf, snapshotHasShape, type Flat, type SampleShape } from './sample-codec.js';
import { packageVersion } from '../version.js';
import { SessionDriver, type DriverListener, type LoggedAction } from './driver.js';
import type { Overrides, Preset } from '../config/load.js';
import { defaultSampleEveryNs, sampleOf, sessionFormat, sessionVersion, type EndReason, type SessionHeader } from './session-file.js';
import { headlessLimitNs, withStop } from './headless.js';
import { summarize, type RunSummary } from './summary.js';
import type { Snapshot } from '../model/index.js';

/** Where a recorder's bytes go: the file, or a test's stand-in that fails like a full disk. */
export interface RecordingSink {
  /** Writes from `buf[offset]` on, at file offset `position` (or the current one); returns the bytes written. */
  write(fd: number, buf: Buffer, offset: number, position?: number): number;
}
const fileSink: RecordingSink = { write: (fd, buf, offset, position) => writeSync(fd, buf, offset, buf.length - offset, position ?? null) };

/** How a recording is opened. */
export interface RecorderOptions {
  /** Overwrite an existing regular file (`--force`); without it an existing file is an error. */
  force?: boolean;
  /** Wall-clock instant written as `createdAt` (tests pin it). */
  createdAt?: Date;
  /** Files the command reads, which the recording must not replace (the preset). */
  inputs?: readonly string[];
  /** Where the bytes go (tests); the file by default. */
  sink?: RecordingSink;
}

/** Buffered bytes that are written out at once, and the most wall time a line waits. */
const flushBytes = 64 << 10;
const flushMs = 100;

/**
 * Records a session as it goes: the header when it opens (written at once, so that the file
 * exists with it before anything can interrupt the process), then one line per action and per
 * sample, written out every 64 kB or tenth of a second of wall time (an action at once), so that
 * memory does not grow with the session and a kill -9 loses at most the last tenth of a second;
 * `finalize` writes the end line (reason, counts, checksum, final summary) once, whatever calls it
 * first: the end of the run, quit, a signal, a crash. Samples after the first are written as
 * differences from the one before (format version 2, see session-file.ts).
 *
 * A write that fails (a full disk) stops the recording: the file is cut back to its last whole
 * line, an end line with reason "failed" is written if it fits, and an OutputError says so in one
 * line. Later calls do nothing.
 */
export class SessionRecorder implements DriverListener {
  private fd: number | null;
  private readonly startedAt = performance.now();
  private readonly sink: RecordingSink;
  private readonly hash = createHash('sha256');
  private pending: string[] = [];
  private pendingBytes = 0;
  private lastFlushMs = performance.now();
  private prev: { flat: Flat; shape: SampleShape } | null = null;
  /** Samples and actions written out (in the file), and those still in `pending`. */
  private samples = 0;
  private actions = 0;
  private pendingSamples = 0;
  private pendingActions = 0;
  /** Lines written (header included). */
  lines = 0;
  /** Bytes written. */
  bytes = 0;
  /** The final summary, once finalised. */
  summary: RunSummary | null = null;
  /** Why writing failed, null while it has not. */
  failure: OutputError | null = null;

  /**
   * Opens `file` and writes the header. Must be created before the driver runs (its first
   * sample is due at `sampleEveryNs`), and is registered as the driver's listener here.
   */
  constructor(
    readonly file: string,
    readonly driver: SessionDriver,
    options: RecorderOptions = {},
  ) {
    if (driver.sampleEveryNs <= 0) throw new Error('a recorded session needs samples (sampleEveryNs > 0)');
    this.sink = options.sink ?? fileSink;
    this.fd = openOutputFile(file, options.force === true, options.inputs ?? []);
    this.writeLine(headerOf(driver, options.createdAt ?? new Date()));
    this.flush();
    for (const entry of driver.log) this.onAction(entry);
    driver.addListener(this);
  }

  /** Whether the end line has been written and the file closed (or writing failed). */
  get finalized(): boolean {
    return this.fd === null;
  }

  onAction(entry: LoggedAction): void {
    if (this.fd !== null) this.pendingActions++;
    this.writeLine({ type: 'action', atNs: entry.atNs, events: entry.events, action: entry.action });
    this.flush();
  }

  onSample(snapshot: Snapshot): void {
    if (this.fd === null) return;
    const flat = flattenSnapshot(snapshot);
    const prev = this.prev;
    const delta = prev !== null && snapshotHasShape(snapshot, prev.shape) ? deltaLine(prev.flat, flat) : null;
    this.pendingSamples++;
    if (delta !== null) {
      this.prev = { flat, shape: prev!.shape };
      this.writeText(delta);
    } else {
      const sample = sampleOf(snapshot);
      this.prev = { flat, shape: shapeOf(sample) };
      this.writeLine(sample);
    }
  }

  /** Writes out what is buffered if it is due (the headless loop calls this between slices). */
  flushIfDue(): void {
    if (this.pendingBytes > 0 && performance.now() - this.lastFlushMs >= flushMs) this.flush();
  }

  /**
   * Writes the end line with the final summary and closes the file. Idempotent: the first call
   * wins, later ones do nothing, so every exit path may call it. Throws an OutputError if the
   * file cannot be written to the end (the file is then cut back to its last whole line).
   */
  finalize(reason: EndReason = 'quit'): RunSummary | null {
    if (this.fd === null) return this.summary;
    this.flush();
    if (this.fd === null) return this.summary;
    this.summary = this.endSummary();
    this.writeLine(this.endLine(reason, this.summary));
    this.flush();
    const fd = this.fd;
    if (fd === null) return this.summary;
    this.fd = null;
    try {
      fsyncSync(fd);
    } catch {
      // Not every file can be synced; the data is written either way.
    }
    closeSync(fd);
    return this.summary;
  }

  private endSummary(): RunSummary {
    return summarize(this.driver.preset, this.driver.sim, (performance.now() - this.startedAt) / 1000);
  }

  private endLine(reason: EndReason, summary: RunSummary): object {
    const sim = this.driver.sim;
    return { type: 'end', reason, atNs: sim.now, events: sim.events, samples: this.samples, actions: this.actions, sha256: this.hash.copy().digest('hex'), summary };
  }

  private writeLine(o: unknown): void {
    this.writeText(JSON.stringify(o));
  }

  private writeText(text: string): void {
    if (this.fd === null) return;
    const line = text + '\n';
    this.pending.push(line);
    this.pendingBytes += line.length;
    this.lines++;
    if (this.pendingBytes >= flushBytes || performance.now() - this.lastFlushMs >= flushMs) this.flush();
  }

  /** Writes the buffered lines; a failure ends the recording (see the class comment). */
  private flush(): void {
    this.lastFlushMs = performance.now();
    if (this.fd === null || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.pendingBytes = 0;
    try {
      let off = 0;
      while (off < buf.length) off += this.sink.write(this.fd, buf, off);
    } catch (e) {
      this.fail(e);
    }
    this.hash.update(buf);
    this.bytes += buf.length;
    this.samples += this.pendingSamples;
    this.actions += this.pendingActions;
    this.pendingSamples = this.pendingActions = 0;
  }

  /** Cuts the file back to its last whole line, ends it if it can, closes it and throws one line. */
  private fail(e: unknown): never {
    const fd = this.fd!;
    this.fd = null;
    const why = ioReason(e);
    const sim = this.driver.sim;
    try {
      ftruncateSync(fd, this.bytes);
      this.summary = this.endSummary();
      const end = Buffer.from(JSON.stringify(this.endLine('failed', this.summary)) + '\n', 'utf8');
      // At the end of the whole lines (the failed write may have moved the file offset past it).
      let off = 0;
      while (off < end.length) off += this.sink.write(fd, end, off, this.bytes + off);
    } catch {
      try {
        ftruncateSync(fd, this.bytes);
      } catch {
        // Nothing more can be done for this file.
      }
    }
    try {
      closeSync(fd);
    } catch {
      // As above.
    }
    this.failure = new OutputError(`${this.file}: cannot be written (${why}); the recording stopped at t=${(sim.now / 1e9).toFixed(3)} s and the file keeps what was written before`);
    throw this.failure;
  }
}

/** The header of a session: everything replay needs to rebuild the simulation. */
function headerOf(driver: SessionDriver, createdAt: Date): SessionHeader {
  const { file: _file, machine, ...preset } = driver.preset;
  const sim = driver.sim;
  const o = driver.overrides;
  const overrides = Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
  return {
    format: sessionFormat,
    version: sessionVersion,
    gilTop: packageVersion(),
    createdAt: createdAt.toISOString(),
    config: { preset, profile: machine, overrides, seed: sim.seed, sampleEveryNs: driver.sampleEveryNs },
    threads: sim.threadInfo.map((t) => ({ id: t.id, name: t.name, process: t.process, python: t.python })),
  };
}

/**
 * The one line an error ends with: its message for gil-top's own errors (by class, or by name for
 * one that crossed from the dashboard's worker thread as a plain Error), the stack for a bug.
 */
export function errorLine(err: unknown): string {
  if (err instanceof InputError || err instanceof OutputError || (err instanceof Error && (err.name === 'InputError' || err.name === 'OutputError')))
    return `gil-top: ${oneLine(err.message)}`;
  return err instanceof Error ? (err.stack ?? err.message) : String(err);
}

/**
 * Makes sure `recorder` is finalised however the process ends: a normal exit ('quit'), Ctrl+C,
 * SIGTERM or SIGHUP ('interrupted', then the signal's usual exit status), an uncaught error or
 * rejection ('crashed', then the error is printed and the status is 1). A signal held since the
 * process started (signal-hold.ts) is acted on now. Returns a function that removes the handlers
 * (call it after finalising on the normal path). A SessionRecorder, or whatever finalises one
 * synchronously (the dashboard, whose recorder is in its engine's worker).
 */
export function installFinalizers(recorder: { finalize(reason: EndReason): unknown }): () => void {
  /** Finalises, and on a write failure prints its line after the terminal is restored. */
  const end = (reason: EndReason): void => {
    try {
      recorder.finalize(reason);
    } catch (e) {
      runExitCleanups();
      process.stderr.write(`${errorLine(e)}\n`);
    }
  };
  const onExit = () => end('quit');
  const onSignal = (signal: NodeJS.Signals) => {
    end('interrupted');
    uninstall();
    runExitCleanups();
    process.exit(signalExitCodes[signal] ?? 1);
  };
  const onCrash = (err: unknown) => {
    end(err instanceof Error && err.name === 'OutputError' ? 'failed' : 'crashed');
    uninstall();
    runExitCleanups();
    process.stderr.write(`${errorLine(err)}\n`);
    process.exit(err instanceof Error && err.name === 'InputError' ? 2 : 1);
  };
  const signals = Object.keys(signalExitCodes) as NodeJS.Signals[];
  process.on('exit', onExit);
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  function uninstall() {
    process.off('exit', onExit);
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  }
  const held = releaseSignals();
  if (held !== null) onSignal(held);
  return uninstall;
}

/** Wall time the headless recorder runs before it lets signal handlers in. */
const sliceMs = 50;

/**
 * `gil-top run --record FILE`: runs a preset to the end (or the simulated hour, or the end of the
 * wall-clock budget) while recording it. The run goes in slices of bounded wall time with a turn
 * of the event loop between them, so that Ctrl+C and SIGTERM finalise the file instead of losing it.
 */
export async function recordHeadless(
  preset: Preset,
  overrides: Overrides,
  file: string,
  options: RecorderOptions & { sampleEveryNs?: number; budget?: WallBudget } = {},
): Promise<{ driver: SessionDriver; recorder: SessionRecorder; summary: RunSummary }> {
  const driver = new SessionDriver(preset, overrides, options.sampleEveryNs ?? defaultSampleEveryNs);
  const recorder = new SessionRecorder(file, driver, options);
  const uninstall = installFinalizers(recorder);
  const budget = options.budget;
  const sim = driver.sim;
  try {
    while (!sim.over && sim.now < headlessLimitNs && budget?.expired() !== true) {
      const until = performance.now() + sliceMs;
      // Slices end at sample instants, never in the middle of an instant's events.
      while (!sim.over && sim.now < headlessLimitNs && performance.now() < until) driver.advanceTo(Math.min(headlessLimitNs, sim.now + driver.sampleEveryNs));
      recorder.flushIfDue();
      budget?.tick(sim);
      await new Promise((r) => setImmediate(r));
    }
    const summary = withStop(recorder.finalize(sim.finished ? 'finished' : 'limit')!, sim, budget);
    return { driver, recorder, summary };
  } catch (e) {
    if (!(e instanceof OutputError))
      try {
        recorder.finalize('crashed');
      } catch {
        // The error that brought us here is the one to report.
      }
    throw e;
  } finally {
    uninstall();
  }
}
