import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { SessionRecorder } from '../../src/session/recorder.js';
import { verifySession } from '../../src/session/replay.js';
import { readSessionFile } from '../../src/session/session-file.js';
import { DashboardController } from '../../src/tui/controller.js';
import { tempDir, writeSmallPreset } from './fixtures.js';

describe('a session recorded by the dashboard', () => {
  it('replays exactly, whatever its frames and keys were', () => {
    const dir = tempDir();
    const file = join(dir, 'dash.jsonl');
    let wall = 0;
    const controller = new DashboardController({
      preset: loadPreset(writeSmallPreset(dir, 8_000_000)),
      speed: 0.05,
      // A clock that jumps unevenly, and small chunks, so frames end anywhere.
      loop: { clock: () => wall, chunkEvents: 37 },
      record: (driver) => new SessionRecorder(file, driver),
    });
    const keys = ['+', 'i', ' ', '.', '.', ',', ' ', 'c', 'k', 'I', 'C', '-', 'p'];
    for (let frame = 0; frame < 400 && !controller.driver.sim.finished; frame++) {
      wall += 3 + (frame % 7);
      controller.slice();
      if (frame % 9 === 8 && keys.length > 0) controller.key({ input: keys.shift()! } as never);
    }
    controller.close();
    const session = readSessionFile(file);
    expect(session.warnings).toEqual([]);
    expect(new Set(session.actions.map((a) => a.action.type))).toEqual(new Set(['policy', 'speed', 'switchInterval', 'pause', 'resume', 'cores', 'signal']));
    const report = verifySession(session);
    expect(report.divergence).toBeNull();
    expect(report.samplesChecked).toBe(session.samples.length);
  });
});
