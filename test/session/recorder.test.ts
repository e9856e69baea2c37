import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { loadPreset } from '../../src/config/load.js';
import { SessionDriver } from '../../src/session/driver.js';
import { runHeadless } from '../../src/session/headless.js';
import { recordHeadless, SessionRecorder } from '../../src/session/recorder.js';
import { readSessionFile, sampleOf } from '../../src/session/session-file.js';
import { createHash } from 'node:crypto';
import { summarize } from '../../src/session/summary.js';
import { recordRun, sessionObjects, someActions, tempDir, writeSmallPreset } from './fixtures.js';

const lines = (file: string) =>
  readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('session recorder', () => {
  it('writes a header with the whole configuration, every action with its instant, samples at fixed instants, and an end line', () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    const { driver } = recordRun(file, writeSmallPreset(dir));
    const [header, ...rest] = lines(file);
    expect(header).toMatchObject({ format: 'gil-top-session', version: 2, createdAt: '2026-01-02T03:04:05.000Z', config: { seed: '1', sampleEveryNs: 1e6, overrides: {} } });
    const config = header.config as { preset: Record<string, unknown>; profile: { name: string } };
    expect(config.preset).toMatchObject({ name: 'small', policy: 'py3', cores: 2 });
    expect(config.preset).not.toHaveProperty('file');
    expect(config.profile.name).toBe('article-vm');
    expect(header.threads).toEqual([
      { id: 0, name: 'server', process: 'main', python: true },
      { id: 1, name: 'worker', process: 'main', python: true },
      { id: 2, name: 'client', process: 'client', python: false },
      { id: 3, name: 'MainThread', process: 'main', python: true },
    ]);

    const actions = rest.filter((l) => l.type === 'action');
    expect(actions.map((a) => [a.atNs, a.action])).toEqual(someActions.map((a) => [a.atNs, a.action]));
    // Samples after the first are differences from the one before, but after a change of core
    // count (a change of shape), which is written whole.
    const raw = rest.filter((l) => l.type === 'sample' || l.type === 'delta');
    expect(raw.filter((l) => l.type === 'sample').length).toBe(3);
    const decoded = sessionObjects(file).slice(1, -1);
    const samples = decoded.filter((l) => l.type === 'sample');
    expect(samples.length).toBe(raw.length);
    expect(samples.length).toBeGreaterThan(100);
    samples.forEach((s, i) => expect(s.atNs).toBe((i + 1) * 1e6));
    // The delta lines give back exactly the samples a listener of the same run sees.
    const same = new SessionDriver(driver.preset, {}, 1e6);
    const seen: unknown[] = [];
    same.addListener({ onSample: (snap) => seen.push(JSON.parse(JSON.stringify(sampleOf(snap)))) });
    for (const a of someActions) {
      same.advanceTo(a.atNs);
      same.act(a.action);
    }
    while (!same.sim.finished) same.advanceTo(same.sim.now + 7e6);
    expect(samples).toEqual(seen);
    // Lines are in the order things happened.
    const times = decoded.map((l) => l.atNs as number);
    expect(times).toEqual([...times].sort((a, b) => a - b));

    const end = rest.at(-1)!;
    expect(end).toMatchObject({ type: 'end', reason: 'finished', atNs: driver.sim.now, events: driver.sim.events, samples: samples.length, actions: actions.length });
    expect(end.sha256).toBe(createHash('sha256').update(readFileSync(file, 'utf8').split('\n').slice(0, -2).join('\n') + '\n').digest('hex'));
    const { wallSeconds: _w, ...summary } = end.summary as Record<string, unknown>;
    const { wallSeconds: _x, ...expected } = JSON.parse(JSON.stringify(summarize(driver.preset, driver.sim, 0))) as Record<string, unknown>;
    expect(summary).toEqual(expected);
  });

  it('writes each line as it goes, so what was recorded is on disk before the session ends', () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    const driver = new SessionDriver(loadPreset(writeSmallPreset(dir)), {}, 1e6);
    const recorder = new SessionRecorder(file, driver);
    driver.advanceTo(10e6);
    driver.act({ type: 'cores', cores: 1 });
    const onDisk = lines(file);
    expect(onDisk.filter((l) => l.type === 'sample' || l.type === 'delta')).toHaveLength(10);
    expect(onDisk.at(-1)).toMatchObject({ type: 'action', atNs: 10e6, action: { type: 'cores', cores: 1 } });
    expect(readSessionFile(file).warnings).toEqual([expect.stringContaining('not finalised (no end line); loaded up to its last complete sample at 0.010 s')]);

    recorder.finalize('quit');
    recorder.finalize('crashed');
    driver.advanceTo(20e6);
    const after = lines(file);
    expect(after.filter((l) => l.type === 'end')).toEqual([expect.objectContaining({ reason: 'quit', atNs: 10e6 })]);
    expect(after.at(-1)!.type).toBe('end');
    expect(recorder.finalized).toBe(true);
  });

  it('never overwrites an existing file without force', () => {
    const dir = tempDir();
    const file = join(dir, 's.jsonl');
    writeFileSync(file, 'precious');
    const driver = new SessionDriver(loadPreset(writeSmallPreset(dir)), {}, 1e6);
    expect(() => new SessionRecorder(file, driver)).toThrow(new InputError(`${file}: already exists (use --force to overwrite it)`));
    expect(readFileSync(file, 'utf8')).toBe('precious');
    new SessionRecorder(file, driver, { force: true }).finalize();
    expect(lines(file)[0].format).toBe('gil-top-session');
    expect(() => new SessionRecorder(join(dir, 'no/such/dir.jsonl'), driver)).toThrow(/no such folder/);
    expect(existsSync(join(dir, 'no'))).toBe(false);
  });

  it('recording does not change the run: run --record sums up as plain run does', async () => {
    const dir = tempDir();
    const preset = loadPreset(writeSmallPreset(dir));
    const { summary } = await recordHeadless(preset, { cores: 1 }, join(dir, 'r.jsonl'));
    const plain = runHeadless(preset, { cores: 1 }).summary;
    expect({ ...summary, wallSeconds: 0 }).toEqual({ ...plain, wallSeconds: 0 });
    const session = readSessionFile(join(dir, 'r.jsonl'));
    expect(session.warnings).toEqual([]);
    expect(session.header.config.overrides).toEqual({ cores: 1 });
    expect(session.end?.reason).toBe('finished');
    expect(session.samples.length).toBe(Math.floor(session.end!.atNs / 10e6));
  });
});
