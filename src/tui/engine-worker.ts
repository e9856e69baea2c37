/**
 * The dashboard's engine thread (started by WorkerEngine): runs the session in slices for as
 * long as the run is behind its wall-clock target, and between two chunks of events looks at a
 * shared counter, so that a key press or a frame the screen waits for is answered within a
 * chunk, never after a whole slice. Frames go back with their trace and the snapshot's number
 * columns transferred.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../config/input-error.js';
import { EngineSession, type EngineFrame } from './engine-session.js';
import { CLOSED, PENDING, toWire, type FromWorker, type ToWorker, type WorkerData } from './worker-link.js';
import { engineSetupOf } from './worker-setup.js';

/** Wall time of one slice, ms: long enough to waste nothing on the event loop, short enough to stay responsive without a message. */
const SLICE_MS = 16;
/** Events between two looks at the clock and at the shared counter. */
const CHUNK_EVENTS = 200;

const port = parentPort!;
const { setup, flags: shared, port: syncPort } = workerData as WorkerData;
const flags = new Int32Array(shared);

let session: EngineSession;
try {
  session = new EngineSession({ ...engineSetupOf(setup), loop: { budgetMs: SLICE_MS, chunkEvents: CHUNK_EVENTS, shouldYield: () => Atomics.load(flags, PENDING) > 0 } });
} catch (e) {
  const msg: FromWorker = { type: 'failed', message: e instanceof Error ? e.message : String(e), input: e instanceof InputError };
  port.postMessage(msg);
  process.exit(0);
}

/** What the last frame sent showed, to answer "nothing new" instead of sending the same frame again. */
let shown = { now: -1, events: -1, seq: -1, run: -1, speed: -1, paused: false, recording: null as string | null, done: false };
let pumping = false;
let closed = false;

function send(requested: boolean): void {
  const f: EngineFrame = session.frame();
  shown = { now: f.snap.now, events: f.snap.events, seq: f.message.seq, run: f.run, speed: f.speed, paused: f.paused, recording: f.recording, done: f.replay?.done ?? false };
  const { frame, transfer } = toWire(f);
  const msg: FromWorker = { type: 'frame', frame, requested };
  port.postMessage(msg, transfer);
}

/** Whether anything a frame shows changed since the last one sent. */
function changed(): boolean {
  const sim = session.driver.sim;
  const l = session.loop;
  return (
    sim.now !== shown.now ||
    sim.events !== shown.events ||
    session.messageSeq !== shown.seq ||
    session.run !== shown.run ||
    l.speed !== shown.speed ||
    l.paused !== shown.paused ||
    (session.recording !== null && !session.recording.finalized ? session.recording.file : null) !== shown.recording ||
    (session.player?.done ?? false) !== shown.done
  );
}

/** Runs slices while the run is behind its target and no message waits. */
function pump(): void {
  pumping = false;
  if (Atomics.load(flags, PENDING) > 0) return; // the message handler carries on afterwards
  guarded(() => session.slice());
  schedule();
}

function schedule(): void {
  if (!closed && !pumping && session.loop.behind) {
    pumping = true;
    setImmediate(pump);
  }
}

/** Runs `fn`; should it throw, the recording in progress is finalised as crashed first. */
function guarded<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    try {
      session.close('crashed');
    } catch {
      // Finalising is best effort here: the error that matters is `e`.
    }
    throw e;
  }
}

port.on('message', (m: ToWorker) => {
  Atomics.sub(flags, PENDING, 1);
  guarded(() => {
    if (m.type === 'command') {
      session.command(m.command);
      send(false);
    } else if (m.type === 'frame') {
      // Caught up (a slow speed): move the run to where the wall clock says, now. Behind, the
      // pump runs it anyway, and the frame must not wait for another slice.
      if (!session.loop.behind) session.slice();
      if (changed()) send(true);
      else port.postMessage({ type: 'idle' } satisfies FromWorker);
    } else {
      closed = true;
      const final = session.close(m.reason);
      syncPort.postMessage(final);
      Atomics.store(flags, CLOSED, 1);
      Atomics.notify(flags, CLOSED);
      port.close();
      return;
    }
  });
  schedule();
});

send(false);
schedule();
