import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { SessionRecorder } from '../../src/session/recorder.js';
import { verifySession } from '../../src/session/replay.js';
import { readSessionFile } from '../../src/session/session-file.js';
import { DashboardController, type DashboardSetup } from '../../src/tui/controller.js';
import { tempDir, writeSmallPreset } from './fixtures.js';

/** Reads a recorded session, checks that it replays exactly, and returns it. */
function replaysExactly(file: string) {
  const session = readSessionFile(file);
  const report = verifySession(session);
  expect(report.divergence).toBeNull();
  expect(report.samplesChecked).toBe(session.samples.length);
  return session;
}

/** A dashboard over a small preset on a wall clock the test moves. */
function dashboard(dir: string, setup: Partial<DashboardSetup>, chunkEvents: number) {
  const clock = { wall: 0 };
  const controller = new DashboardController({ preset: loadPreset(writeSmallPreset(dir, 8_000_000)), speed: 0.05, loop: { clock: () => clock.wall, chunkEvents }, ...setup });
  return { controller, clock };
}

describe('a session recorded by the dashboard', () => {
  it('replays exactly, whatever its frames and keys were', () => {
    const dir = tempDir();
    const file = join(dir, 'dash.jsonl');
    // A clock that jumps unevenly, and small chunks, so frames end anywhere.
    const { controller, clock } = dashboard(dir, { record: (driver) => new SessionRecorder(file, driver) }, 37);
    const keys = ['+', 'i', ' ', '.', '.', ',', ' ', 'c', 'k', 'I', 'C', '-', 'p'];
    for (let frame = 0; frame < 400 && !controller.driver.sim.finished; frame++) {
      clock.wall += 3 + (frame % 7);
      controller.slice();
      if (frame % 9 === 8 && keys.length > 0) controller.key({ input: keys.shift()! } as never);
    }
    controller.close();
    const session = replaysExactly(file);
    expect(session.warnings).toEqual([]);
    expect(new Set(session.actions.map((a) => a.action.type))).toEqual(new Set(['policy', 'speed', 'switchInterval', 'pause', 'resume', 'cores', 'signal']));
  });

  it('can start mid-run with r: the file holds the actions so far and replays exactly', () => {
    const dir = tempDir();
    const file = join(dir, 'mid.jsonl');
    const { controller, clock } = dashboard(dir, { startRecording: (driver) => new SessionRecorder(file, driver) }, 41);
    const frames = (n: number) => {
      for (let i = 0; i < n && !controller.driver.sim.finished; i++) {
        clock.wall += 5;
        controller.slice();
      }
    };
    frames(40);
    controller.key({ input: 'p' } as never); // a change before the recording starts
    frames(40);
    controller.key({ input: 'r' } as never);
    expect(controller.message).toMatch(/^recording to .*mid\.jsonl from t=/);
    frames(30);
    controller.key({ input: 'C' } as never); // and one while recording
    frames(30);
    controller.key({ input: 'r' } as never);
    expect(controller.message).toMatch(/^recording stopped and written to /);
    const session = replaysExactly(file);
    // The speed the run started at comes first (a replay starts at it), then the changes.
    expect(session.actions.map((a) => a.action)).toEqual([{ type: 'speed', speed: 0.05 }, { type: 'policy', policy: 'free-threaded' }, { type: 'cores', cores: 3 }]);
    expect(session.actions[0].atNs).toBe(0);
    expect(session.samples[0].atNs).toBeGreaterThan(session.actions[1].atNs);
    controller.key({ input: 'r' } as never);
    // A second press records again, to a new file: this one refuses, the name is taken.
    expect(controller.message).toMatch(/^cannot record: .*already exists/);
  });
});

