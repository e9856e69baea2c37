import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { InputError } from '../config/input-error.js';
import { packageVersion } from '../version.js';
import { SessionDriver, type DriverListener, type LoggedAction } from './driver.js';
import type { Overrides, Preset } from '../config/load.js';
import { defaultSampleEveryNs, sampleOf, sessionFormat, sessionVersion, type EndReason, type SessionHeader } from './session-file.js';
import { headlessLimitNs } from './headless.js';
import { summarize, type RunSummary } from './summary.js';
import type { Snapshot } from '../model/index.js';

/** How a recording is opened. */
export interface RecorderOptions {
  /** Overwrite an existing file (`--force`); without it an existing file is an error. */
  force?: boolean;
  /** Wall-clock instant written as `createdAt` (tests pin it). */
  createdAt?: Date;
}

/**
 * Records a session as it goes: the header when it opens, then one line per action and per
 * sample, appended with a synchronous write each so that a kill loses at most the line being
 * written and memory does not grow with the session; `finalize` writes the end line (reason,
 * final summary) once, whatever calls it first: the end of the run, quit, a signal, a crash.
 */
export class SessionRecorder implements DriverListener {
  private fd: number | null;
  private readonly startedAt = performance.now();
  /** Lines written (header included). */
  lines = 0;
  /** Bytes written. */
  bytes = 0;
  /** The final summary, once finalised. */
  summary: RunSummary | null = null;

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
    try {
      this.fd = openSync(file, options.force ? 'w' : 'wx');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new InputError(`${file}: already exists (use --force to overwrite it)`);
      throw new InputError(`${file}: cannot be written (${code === 'ENOENT' ? 'no such folder' : code === 'EISDIR' ? 'is a folder' : code ?? (e as Error).message})`);
    }
    this.writeLine(headerOf(driver, options.createdAt ?? new Date()));
    for (const entry of driver.log) this.onAction(entry);
    driver.addListener(this);
  }

  /** Whether the end line has been written and the file closed. */
  get finalized(): boolean {
    return this.fd === null;
  }

  onAction(entry: LoggedAction): void {
    this.writeLine({ type: 'action', atNs: entry.atNs, events: entry.events, action: entry.action });
  }

  onSample(snapshot: Snapshot): void {
    this.writeLine(sampleOf(snapshot));
  }

  /**
   * Writes the end line with the final summary and closes the file. Idempotent: the first call
   * wins, later ones do nothing, so every exit path may call it.
   */
  finalize(reason: EndReason = 'quit'): RunSummary | null {
    if (this.fd === null) return this.summary;
    const sim = this.driver.sim;
    const summary = summarize(this.driver.preset, sim, (performance.now() - this.startedAt) / 1000);
    this.summary = summary;
    this.writeLine({ type: 'end', reason, atNs: sim.now, events: sim.events, summary });
    const fd = this.fd;
    this.fd = null;
    try {
      fsyncSync(fd);
    } catch {
      // Not every file can be synced (a pipe); the data is written either way.
    }
    closeSync(fd);
    return summary;
  }

  private writeLine(o: unknown): void {
    if (this.fd === null) return;
    const line = JSON.stringify(o) + '\n';
    const buf = Buffer.from(line, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off);
    this.lines++;
    this.bytes += buf.length;
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

const signalCodes = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129 } as const;

/**
 * Makes sure `recorder` is finalised however the process ends: a normal exit ('quit'), Ctrl+C,
 * SIGTERM or SIGHUP ('interrupted', then the signal's usual exit status), an uncaught error or
 * rejection ('crashed', then the error is printed and the status is 1). Returns a function that
 * removes the handlers (call it after finalising on the normal path). A SessionRecorder, or
 * whatever finalises one synchronously (the dashboard, whose recorder is in its engine's worker).
 */
export function installFinalizers(recorder: { finalize(reason: EndReason): unknown }): () => void {
  const onExit = () => recorder.finalize('quit');
  const onSignal = (signal: NodeJS.Signals) => {
    recorder.finalize('interrupted');
    uninstall();
    process.exit(signalCodes[signal as keyof typeof signalCodes] ?? 1);
  };
  const onCrash = (err: unknown) => {
    recorder.finalize('crashed');
    uninstall();
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  };
  const signals = Object.keys(signalCodes) as NodeJS.Signals[];
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
  return uninstall;
}

/** Wall time the headless recorder runs before it lets signal handlers in. */
const sliceMs = 50;

/**
 * `gil-top run --record FILE`: runs a preset to the end while recording it. The run goes in
 * slices of bounded wall time with a turn of the event loop between them, so that Ctrl+C and
 * SIGTERM finalise the file instead of losing it.
 */
export async function recordHeadless(
  preset: Preset,
  overrides: Overrides,
  file: string,
  options: RecorderOptions & { sampleEveryNs?: number } = {},
): Promise<{ driver: SessionDriver; recorder: SessionRecorder; summary: RunSummary }> {
  const driver = new SessionDriver(preset, overrides, options.sampleEveryNs ?? defaultSampleEveryNs);
  const recorder = new SessionRecorder(file, driver, options);
  const uninstall = installFinalizers(recorder);
  try {
    while (!driver.sim.finished && driver.sim.now < headlessLimitNs) {
      const until = performance.now() + sliceMs;
      // Slices end at sample instants, never in the middle of an instant's events.
      while (!driver.sim.finished && driver.sim.now < headlessLimitNs && performance.now() < until) driver.advanceTo(Math.min(headlessLimitNs, driver.sim.now + driver.sampleEveryNs));
      await new Promise((r) => setImmediate(r));
    }
    const summary = recorder.finalize(driver.sim.finished ? 'finished' : 'limit')!;
    return { driver, recorder, summary };
  } catch (e) {
    recorder.finalize('crashed');
    throw e;
  } finally {
    uninstall();
  }
}
