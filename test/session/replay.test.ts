import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { SessionDriver } from '../../src/session/driver.js';
import { SessionRecorder } from '../../src/session/recorder.js';
import { openReplay, ReplayPlayer, verifySession } from '../../src/session/replay.js';
import { readSessionFile } from '../../src/session/session-file.js';
import { recordRun, sessionObjects, someActions, tempDir, writeSealed, writeSmallPreset } from './fixtures.js';

/**
 * Rewrites the line of a session whose object passes `pick` (samples whole), resealing the end
 * line, so that only replay's comparison can find the edit.
 */
function editLine(file: string, pick: (o: Record<string, any>) => boolean, edit: (o: Record<string, any>) => void, out = file): void {
  const lines = sessionObjects(file);
  edit(lines.find(pick)!);
  writeSealed(out, lines);
}

function recorded() {
  const dir = tempDir();
  const file = join(dir, 's.jsonl');
  const { driver } = recordRun(file, writeSmallPreset(dir));
  return { dir, file, driver };
}

describe('replay', () => {
  it('re-simulates a recorded session with its actions and reproduces every sample and the summary exactly', () => {
    const { file, driver } = recorded();
    const session = readSessionFile(file);
    expect(session.warnings).toEqual([]);
    expect(session.actions).toEqual(driver.log);
    const report = verifySession(session);
    expect(report.divergence).toBeNull();
    expect(report).toMatchObject({ verdict: 'matches', matches: true, endChecked: true, finished: true, problems: [] });
    expect(report.samplesChecked).toBe(session.samples.length);
    expect(report.actionsApplied).toBe(session.actions.length);
    expect(report.events).toBe(driver.sim.events);
    expect({ ...report.summary, wallSeconds: 0 }).toEqual({ ...JSON.parse(JSON.stringify(session.end!.summary)), wallSeconds: 0 });
  });

  /** Replays `session` in slices of (simulated ns, event budget), cycling through `slices`. */
  function replaySliced(session: ReturnType<typeof readSessionFile>, slices: [number, number][]) {
    const player = new ReplayPlayer(session);
    const seen: string[] = [];
    player.driver.addListener({ onAction: (e) => seen.push(e.action.type) });
    for (let i = 0; !player.done; i++) {
      const [ns, events] = slices[i % slices.length];
      player.advanceTo(player.driver.sim.now + ns, events);
    }
    expect(player.divergence).toBeNull();
    expect(player.verdict).toBe('matches');
    expect(player.samplesChecked).toBe(session.samples.length);
    expect(seen).toEqual(session.actions.map((a) => a.action.type));
  }

  it('gives the same result however the dashboard slices it in simulated time', () => {
    const session = readSessionFile(recorded().file);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1000, max: 5_000_000 }), fc.constant(Infinity)), { minLength: 1, maxLength: 20 }), (slices) => replaySliced(session, slices)),
      { numRuns: 10 },
    );
  });

  it('gives the same result however the dashboard slices it in events', () => {
    const session = readSessionFile(recorded().file);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 1000, max: 5_000_000 }), fc.integer({ min: 1, max: 400 })), { minLength: 1, maxLength: 20 }), (slices) => replaySliced(session, slices)),
      { numRuns: 10 },
    );
  });

  it('reports the first sample that differs, with its instant and field', () => {
    const { file, dir } = recorded();
    const session = readSessionFile(file);
    const was = session.samples[42].counters.syscalls.futex_wake;
    const tampered = join(dir, 't.jsonl');
    editLine(file, (o) => o.type === 'sample' && o.atNs === 43e6, (o) => (o.counters.syscalls.futex_wake += 1), tampered);
    const report = verifySession(readSessionFile(tampered));
    expect(report.verdict).toBe('diverges');
    expect(report.divergence).toMatchObject({ atNs: 43e6, field: 'counters.syscalls.futex_wake', recorded: was + 1, replayed: was });
    expect(report.divergence!.message).toBe(`sample at 0.043 s: counters.syscalls.futex_wake recorded ${was + 1} replayed ${was}`);
    expect(report.samplesChecked).toBe(43);
  });

  it('reports a divergence when an action is moved to another instant', () => {
    const { file, dir } = recorded();
    const moved = join(dir, 'm.jsonl');
    editLine(file, (o) => o.type === 'action' && o.action.type === 'cores', (o) => (o.atNs += 1e6), moved);
    const d = verifySession(readSessionFile(moved)).divergence;
    expect(d).not.toBeNull();
    // The action's instant no longer goes with its count of events: the replay cannot reach it,
    // or a sample taken at that instant already differs (the run it recorded had the action sooner).
    expect(d!.atNs).toBe(51e6);
    expect(d!.message).toMatch(/^(action at 0\.051 s: recorded after [\d,]+ events; the replay (had made|has another event before)|sample at 0\.051 s: )/);
  });

  it('reports a changed final summary', () => {
    const { file, dir } = recorded();
    const out = join(dir, 'e.jsonl');
    editLine(file, (o) => o.type === 'end', (o) => (o.summary.threads[1].gilAcquisitions += 1), out);
    expect(verifySession(readSessionFile(out)).divergence!.message).toMatch(/^end at 0\.\d{3} s: summary\.threads\[1\]\.gilAcquisitions recorded \d+ replayed \d+$/);
  });

  it('loads a file cut short up to its last complete sample, with a warning, and replays that much', () => {
    const { file, dir } = recorded();
    // Whole samples, so that the cut can be placed by instant.
    const whole = join(dir, 'whole.jsonl');
    writeSealed(whole, sessionObjects(file));
    const text = readFileSync(whole, 'utf8');
    const cut = join(dir, 'cut.jsonl');
    const at = text.indexOf('"atNs":77000000');
    writeFileSync(cut, text.slice(0, at + 40));
    const session = readSessionFile(cut);
    expect(session.end).toBeNull();
    expect(session.samples.at(-1)!.atNs).toBe(76e6);
    const lineNo = text.slice(0, at).split('\n').length;
    expect(session.warnings).toEqual([
      `${cut}: cut short in line ${lineNo}; ignoring that partial line`,
      `${cut}: not finalised (no end line); loaded up to its last complete sample at 0.076 s`,
    ]);
    const report = verifySession(session);
    expect(report.divergence).toBeNull();
    // Everything there matched, but without an end line nothing says the run went on that way.
    expect(report).toMatchObject({ verdict: 'incomplete', matches: false, endChecked: false, finished: true });
    expect(report.message).toMatch(/^replay does not verify: the recording has no end line \(it was cut short\); 76 of 76 samples/);
    expect(report.samplesChecked).toBe(76);
    expect(report.simulatedSeconds).toBe(0.076);
    expect(report.endReason).toBeNull();
  });

  it('replays a session stepped event by event, with actions between events that share an instant', () => {
    const dir = tempDir();
    const file = join(dir, 'step.jsonl');
    // Threads that start at the same sample instants (10 and 20 ms) give events sharing them.
    const presetFile = join(dir, 'starts.json');
    const loop = [{ op: 'loop', kind: 'countdown', iterations: 300_000 }];
    // (t0 is the main thread: the others start on their own, at their instants, not when a main thread starts them.)
    const threads = [0, 10_000, 10_000, 20_000, 20_000].map((startUs, i) => ({ name: `t${i}`, ...(i === 0 ? { main: true } : {}), startUs: startUs || undefined, program: loop }));
    writeFileSync(presetFile, JSON.stringify({ name: 'starts', title: 't', description: 'd', profile: 'article-vm', policy: 'py3', cores: 2, threads }));
    const driver = new SessionDriver(loadPreset(presetFile), {}, 1e6);
    const recorder = new SessionRecorder(file, driver);
    driver.advanceTo(9e6);
    driver.act({ type: 'pause' });
    // Step event by event, acting (alternating the switch interval) whenever an event lands on a
    // sample instant and between events that share an instant.
    let onSample = 0;
    let mid = 0;
    for (let i = 0; i < 20000 && driver.sim.now < 25e6 && !driver.sim.finished; i++) {
      driver.stepEvent();
      const shared = driver.sim.nextEventTime() === driver.sim.now;
      const sampleInstant = driver.sim.now % 1e6 === 0;
      if (shared || sampleInstant) {
        if (shared) mid++;
        if (sampleInstant) onSample++;
        driver.act({ type: 'switchInterval', ns: (mid + onSample) % 2 === 0 ? 2e6 : 5e6 });
      }
    }
    driver.act({ type: 'resume' });
    driver.advanceTo(driver.sim.now + 30e6);
    recorder.finalize('quit');
    expect(onSample).toBeGreaterThan(0);
    expect(mid).toBeGreaterThan(0);
    expect(verifySession(readSessionFile(file)).verdict).toBe('matches');
  });

  it('replays a session recorded in event-budgeted slices (as a dashboard bounds its frames)', () => {
    const dir = tempDir();
    const file = join(dir, 'budget.jsonl');
    const driver = new SessionDriver(loadPreset(writeSmallPreset(dir)), {}, 1e6);
    const recorder = new SessionRecorder(file, driver);
    let i = 0;
    for (const a of someActions) {
      while (driver.sim.now < a.atNs) driver.advanceTo(a.atNs, 1 + (i++ % 5));
      driver.act(a.action);
    }
    while (!driver.sim.finished) driver.advanceTo(driver.sim.now + 3e6, 1 + (i++ % 5));
    recorder.finalize('quit');
    expect(verifySession(readSessionFile(file)).verdict).toBe('matches');
  });

  it('replays a recording started in the middle of a session (the dashboard key)', () => {
    const dir = tempDir();
    const file = join(dir, 'mid.jsonl');
    const driver = new SessionDriver(loadPreset(writeSmallPreset(dir)), { switchInterval: 0.002 }, 2e6);
    driver.advanceTo(30e6);
    driver.act({ type: 'cores', cores: 1 });
    driver.advanceTo(41e6);
    const recorder = new SessionRecorder(file, driver);
    driver.advanceTo(60e6);
    driver.act({ type: 'policy', policy: 'py2' });
    driver.advanceTo(90e6);
    recorder.finalize('quit');
    const session = readSessionFile(file);
    expect(session.actions.map((a) => a.action.type)).toEqual(['cores', 'policy']);
    expect(session.samples[0].atNs).toBe(42e6);
    const player = openReplay(file);
    expect(player.verify()).toBeNull();
    expect(player.samplesChecked).toBe(session.samples.length);
    expect(player.driver.sim.now).toBe(90e6);
  });
});
