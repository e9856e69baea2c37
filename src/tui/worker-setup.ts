import { existsSync } from 'node:fs';
import type { Overrides, Preset } from '../config/load.js';
import { SessionRecorder } from '../session/recorder.js';
import { ReplayPlayer } from '../session/replay.js';
import { openSessionFile, type SessionFile } from '../session/session-file.js';
import type { EngineSetup } from './engine-session.js';

/**
 * How the dashboard's engine starts, as data that can cross to its worker thread (an
 * EngineSetup holds functions and objects that cannot): recordings are named, not opened.
 */
export interface WorkerSetup {
  preset: Preset;
  overrides?: Overrides;
  speed?: number;
  startPaused?: boolean;
  /** `--record FILE [--force]`: every run of the session is recorded to FILE from its start. */
  record?: { file: string; force: boolean };
  /** `r` starts a recording of the run in progress, to a fresh file in the current folder. */
  recordOnKey?: boolean;
  /** A recording to play back instead of a live run (read-only). */
  replay?: SessionFile;
}

/** The engine's setup for a worker's: recorders and the player are made here, in the worker. */
export function engineSetupOf(w: WorkerSetup): EngineSetup {
  // A session crossing to the worker loses its `entries` (a function cannot be cloned): reopened here.
  const player = w.replay === undefined ? undefined : new ReplayPlayer(typeof w.replay.entries === 'function' ? w.replay : openSessionFile(w.replay.file));
  const rec = w.record;
  return {
    preset: player?.preset ?? w.preset,
    overrides: w.overrides,
    speed: w.speed,
    startPaused: w.startPaused,
    replay: player,
    record: rec === undefined ? undefined : (driver) => new SessionRecorder(rec.file, driver, { force: rec.force, inputs: [driver.preset.file] }),
    // Never over a file that exists: a new name in the current folder.
    startRecording: w.recordOnKey ? (driver) => new SessionRecorder(freshRecordingName(driver.preset.name), driver) : undefined,
  };
}

/** `gil-top-PRESET-YYYYMMDD-HHMMSS.jsonl` in the current folder, with a suffix if that exists. */
export function freshRecordingName(preset: string, now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  const base = `gil-top-${preset}-${stamp}`;
  for (let i = 1; ; i++) {
    const name = i === 1 ? `${base}.jsonl` : `${base}-${i}.jsonl`;
    if (!existsSync(name)) return name;
  }
}
