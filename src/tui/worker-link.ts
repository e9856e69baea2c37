import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads';
import { InputError } from '../config/input-error.js';
import { moduleWorker } from '../session/module-worker.js';
import type { EngineLink } from './engine-link.js';
import { columnBuffers, fromColumns, toColumns, type Columns } from './columns.js';
import type { CloseReason, EngineCommand, EngineFinal, EngineFrame } from './engine-session.js';
import type { CoreSnapshot, Snapshot, ThreadSnapshot } from '../model/index.js';
import type { WorkerSetup } from './worker-setup.js';

/** What the screen sends the engine's worker. */
export type ToWorker = { type: 'command'; command: EngineCommand } | { type: 'frame' } | { type: 'close'; reason: CloseReason };

/** What the worker sends back: a frame (asked for, or after a command), nothing new, or why it could not start. */
export type FromWorker = { type: 'frame'; frame: WireFrame; requested: boolean } | { type: 'idle' } | { type: 'failed'; message: string; input: boolean };

/** A frame as it crosses from the worker: the snapshot's threads and cores in columns. */
export type WireFrame = Omit<EngineFrame, 'snap'> & { snap: Omit<Snapshot, 'threads' | 'cores'> & { threads: Columns; cores: Columns } };

/** A frame for the trip, and the buffers to transfer with it (trace and number columns). */
export function toWire(f: EngineFrame): { frame: WireFrame; transfer: ArrayBuffer[] } {
  const threads = toColumns(f.snap.threads);
  const cores = toColumns(f.snap.cores);
  const t = f.trace;
  const transfer = [t.times.buffer, t.threads.buffer, t.views.buffer, ...columnBuffers(threads), ...columnBuffers(cores)] as ArrayBuffer[];
  return { frame: { ...f, snap: { ...f.snap, threads, cores } }, transfer };
}

/** The frame back from its trip. */
export function fromWire(w: WireFrame): EngineFrame {
  return { ...w, snap: { ...w.snap, threads: fromColumns<ThreadSnapshot>(w.snap.threads), cores: fromColumns<CoreSnapshot>(w.snap.cores) } };
}

/** What the worker is started with. */
export interface WorkerData {
  setup: WorkerSetup;
  /**
   * Two shared counters: [0] messages posted to the worker and not yet handled (the engine
   * breaks off its slice between two chunks of events when it is not 0), [1] set to 1 once
   * the worker has closed the session (the screen waits for it synchronously).
   */
  flags: SharedArrayBuffer;
  /** Where the worker answers `close`, read synchronously by the screen. */
  port: MessagePort;
}

/** Indexes into the shared counters. */
export const PENDING = 0;
export const CLOSED = 1;

/**
 * The engine in its own thread: the screen's thread only draws and reads keys, so a key is
 * carried out and drawn while the engine runs flat out. Commands interrupt the engine's slice
 * (a shared counter it looks at between chunks of events); frames come back with the trace
 * slice's arrays transferred, not copied.
 */
export class WorkerEngine implements EngineLink {
  readonly local = null;
  onFrame: (f: EngineFrame, late: boolean) => void = () => {};
  /** A frame has been asked for and not answered yet. */
  private waiting = false;
  private final: EngineFinal | null = null;
  private failure: Error | null = null;
  private readonly flags: Int32Array;

  private constructor(
    private readonly worker: Worker,
    private readonly port: MessagePort,
    flags: SharedArrayBuffer,
    public latest: EngineFrame,
  ) {
    this.flags = new Int32Array(flags);
    worker.on('message', (m: FromWorker) => this.receive(m));
    worker.on('error', (e) => {
      this.failure = e;
      // The engine fell over: so does the dashboard (its exit handlers restore the terminal).
      process.nextTick(() => {
        throw e;
      });
    });
  }

  /** Starts the worker; resolves with its first frame, rejects with its error (an InputError for bad input). */
  static start(setup: WorkerSetup): Promise<WorkerEngine> {
    const flags = new SharedArrayBuffer(8);
    const { port1, port2 } = new MessageChannel();
    const worker = moduleWorker(import.meta.url, 'engine-worker', { workerData: { setup, flags, port: port2 } satisfies WorkerData, transferList: [port2] });
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      worker.once('error', onError);
      worker.once('message', (m: FromWorker) => {
        worker.off('error', onError);
        if (m.type === 'frame') resolve(new WorkerEngine(worker, port1, flags, fromWire(m.frame)));
        else {
          void worker.terminate();
          reject(m.type === 'failed' && m.input ? new InputError(m.message) : new Error(m.type === 'failed' ? m.message : 'the engine did not start'));
        }
      });
    });
  }

  private post(m: ToWorker): void {
    if (this.final !== null || this.failure !== null) return;
    Atomics.add(this.flags, PENDING, 1);
    this.worker.postMessage(m);
  }

  private receive(m: FromWorker): void {
    if (m.type === 'frame') {
      if (m.requested) this.waiting = false;
      this.latest = fromWire(m.frame);
      this.onFrame(this.latest, true);
    } else if (m.type === 'idle') this.waiting = false;
  }

  send(c: EngineCommand): void {
    this.post({ type: 'command', command: c });
  }

  tick(): boolean {
    // One request at a time: a screen slower than the pacer never piles up frames.
    if (!this.waiting) {
      this.waiting = true;
      this.post({ type: 'frame' });
    }
    return false;
  }

  close(reason: CloseReason = 'quit'): EngineFinal {
    if (this.final !== null) return this.final;
    const fallback: EngineFinal = { recorded: this.latest.recorded, nowNs: this.latest.snap.now, replay: this.latest.replay };
    if (this.failure === null) {
      this.post({ type: 'close', reason });
      // Synchronous on purpose: exit and signal handlers close the engine and must not return
      // before the recording is finalised. The worker breaks off its slice for the message.
      Atomics.wait(this.flags, CLOSED, 0, 10_000);
    }
    const answer = receiveMessageOnPort(this.port)?.message as EngineFinal | undefined;
    this.final = answer ?? fallback;
    void this.worker.terminate();
    this.port.close();
    return this.final;
  }
}
