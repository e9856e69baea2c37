import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { loadPreset } from '../../src/config/load.js';
import { FLAT_OUT } from '../../src/session/live-loop.js';
import { presetOfSession, verifySession } from '../../src/session/replay.js';
import { readSessionFile } from '../../src/session/session-file.js';
import type { EngineFrame } from '../../src/tui/engine-session.js';
import { WorkerEngine } from '../../src/tui/worker-link.js';
import { recordRun, tempDir, writeSmallPreset } from '../session/fixtures.js';

let engine: WorkerEngine | null = null;
afterEach(() => {
  engine?.close();
  engine = null;
});

/** The default preset with a hundred times the work: flat out, it runs for minutes. */
function longBattle() {
  const p = loadPreset('py2-threads-2cores');
  return { ...p, threads: p.threads.map((t) => ({ ...t, program: t.program.map((op) => (op.op === 'loop' ? { ...op, iterations: op.iterations * 100 } : op)) })) };
}

/** Resolves with the next frame that satisfies `ok`, asking for frames as the pacer would. */
function frameWhere(e: WorkerEngine, ok: (f: EngineFrame) => boolean, ms = 20_000): Promise<EngineFrame> {
  return new Promise((resolve, reject) => {
    const give = setTimeout(() => reject(new Error('no such frame came')), ms);
    const beat = setInterval(() => e.tick(), 30);
    e.onFrame = (f) => {
      if (!ok(f)) return;
      clearTimeout(give);
      clearInterval(beat);
      resolve(f);
    };
    e.tick();
  });
}

describe('the engine in its worker thread', () => {
  it('runs flat out, answers a key with a frame that shows it, and its recording replays exactly', async () => {
    const dir = tempDir();
    const file = join(dir, 'w.jsonl');
    engine = await WorkerEngine.start({ preset: longBattle(), speed: FLAT_OUT, record: { file, force: false } });
    const e = engine;
    expect(e.local).toBeNull();
    expect(e.latest.recording).toBe(file);
    // Running on its own: frames show simulated time moving.
    const moving = await frameWhere(e, (f) => f.snap.now > 20e6);
    expect(moving.trace.length).toBeGreaterThan(0);
    // A key, while the engine is flat out: the frame that answers it shows its effect.
    e.send({ type: 'key', action: 'coreAdd' });
    const added = await frameWhere(e, (f) => f.snap.cores.length === 3);
    expect(added.message.text).toMatch(/^cores -> 3 at t=\d+\.\d{6} s$/);
    e.send({ type: 'key', action: 'cyclePolicy' });
    await frameWhere(e, (f) => f.snap.policy === 'py3');
    e.send({ type: 'key', action: 'togglePause' });
    const paused = await frameWhere(e, (f) => f.paused);
    e.send({ type: 'key', action: 'stepEvent' });
    const stepped = await frameWhere(e, (f) => f.snap.events === paused.snap.events + 1);
    expect(stepped.message.text).toMatch(/^stepped(: \d+\.\d{9} s  | one event)/);
    // Paused, nothing moves: the pacer's requests get no new frame.
    const before = e.latest;
    e.tick();
    await new Promise((r) => setTimeout(r, 200));
    expect(e.latest).toBe(before);
    const final = e.close();
    expect(final.recorded).toBe(file);
    expect(final.nowNs).toBe(stepped.snap.now);
    const session = readSessionFile(file);
    expect(session.end?.reason).toBe('quit');
    // The start speed first: a replay starts at the speed the session ran at.
    expect(session.actions.map((a) => a.action.type)).toEqual(['speed', 'cores', 'policy', 'pause']);
    expect(verifySession(session).divergence).toBeNull();
  });

  it('a timeline command sends the trace still held again, cut to the span and the rows that fit', async () => {
    const dir = tempDir();
    engine = await WorkerEngine.start({ preset: loadPreset(writeSmallPreset(dir)), speed: FLAT_OUT, startPaused: true });
    const e = engine;
    e.send({ type: 'key', action: 'stepMillisecond' });
    await frameWhere(e, (f) => f.snap.now === 1e6);
    e.send({ type: 'timeline', keepNs: 2e5, keepThreads: 1 });
    const f = await frameWhere(e, (x) => x.trace.fresh);
    expect(f.trace.length).toBeGreaterThan(0);
    // Only the first thread; its last state before the cut, then what lies within 200 µs of the end.
    expect(new Set(f.trace.threads)).toEqual(new Set([0]));
    expect([...f.trace.times].filter((t) => t < 1e6 - 2e5).length).toBe(1);
  });

  it('plays a recording back to its end, and says it matched', async () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    recordRun(file, writeSmallPreset(dir));
    const session = readSessionFile(file);
    engine = await WorkerEngine.start({ preset: presetOfSession(session), replay: session, speed: FLAT_OUT });
    const e = engine;
    expect(e.latest.replay).toMatchObject({ done: false, divergence: null });
    // The recording pauses at 35 ms: the playback holds there until space.
    await frameWhere(e, (f) => f.paused && f.snap.now === 35e6);
    e.send({ type: 'key', action: 'togglePause' });
    // There the recording slowed down to 0.01x: back to as fast as it goes.
    await frameWhere(e, (f) => f.speed === 0.01);
    for (let i = 0; i < 12; i++) e.send({ type: 'key', action: 'faster' });
    const end = await frameWhere(e, (f) => f.replay?.done === true);
    expect(end.message.text).toMatch(/^replay complete: matches the recording/);
    const final = e.close();
    expect(final.replay).toMatchObject({ done: true, divergence: null, samplesChecked: session.samples.length });
    expect(final.nowNs).toBe(session.end!.atNs);
  });

  it('refuses bad input with one InputError before anything is drawn', async () => {
    const dir = tempDir();
    const file = join(dir, 'taken.jsonl');
    writeFileSync(file, 'mine\n');
    await expect(WorkerEngine.start({ preset: loadPreset(writeSmallPreset(dir)), record: { file, force: false } })).rejects.toThrow(new InputError(`${file}: already exists (use --force to overwrite it)`));
  });
});
