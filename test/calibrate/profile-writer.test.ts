import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProfileFile } from '../../src/calibrate/calibrate.js';
import { fitAll } from '../../src/calibrate/fit/index.js';
import { profileMap } from '../../src/calibrate/profile-map.js';
import { buildProfile, decideWrite, existingKind, MEASURED, NOT_MEASURED, rawPathFor } from '../../src/calibrate/profile-writer.js';
import { loadPreset, presetFromData, readJson, loadProfile } from '../../src/config/load.js';
import { profileFileSchema } from '../../src/config/profile-schema.js';
import { runHeadless } from '../../src/session/headless.js';
import { recorded, tempDirs } from './helpers.js';

const base = readProfileFile('epyc-vm');
const meta = { name: 'test-machine', description: 'a test' };
const tmp = tempDirs('gil-top-calib-');

describe('writing a calibrated profile', () => {
  const { measurements } = fitAll(recorded());

  it('is schema-valid, and every mapped value measured says which probe and figures it came from', () => {
    const full = { ...measurements, 'checkcost.10': { value: 12.5, why: 'checkcost.py under 2.7.18: test' } };
    const b = buildProfile(base.file, base.name, full, meta);
    expect(profileFileSchema.safeParse(b.profile).success).toBe(true);
    expect(b.complete).toBe(true);
    expect(b.measured.length).toBe(profileMap.length);
    expect(b.profile.scheduler.tickNs).toEqual({ value: 4_000_000, why: MEASURED + measurements['kernel.tickNs'].why });
    expect(b.profile.interpreter.py2LockPairNs.value).toBe(13); // whole nanoseconds
    expect(b.profile.interpreter.nsPerIteration.countdown.py2!.value).toBe(measurements['loops.countdown.py2'].value);
    expect(b.profile.syscalls.futexWakeEmptyNs.why).toMatch(/^measured by gil-top calibrate: syscalls\.py under 3\.12\.1/);
    // keys no probe measures come from the base, saying so
    expect(b.profile.jitter.value).toBe(base.file.jitter.value);
    expect(b.profile.jitter.why).toMatch(/^no calibrate probe measures this; from profile epyc-vm: /);
    expect(b.profile.scheduler.latencyNs.why).toContain('from profile epyc-vm');
    expect(b.profile.name).toBe('test-machine');
  });

  it('takes a missing or negative figure from the base profile and calls the profile partial', () => {
    // a check cost that comes out below zero is noise, not a cost
    const partial: typeof measurements = { ...measurements, 'checkcost.10': { value: -3.5, why: 'checkcost.py under 2.7.18: test' } };
    delete partial['loopback.send'];
    const b = buildProfile(base.file, base.name, partial, meta);
    expect(b.complete).toBe(false);
    expect(b.missing.map((x) => x.key).sort()).toEqual(['interpreter.py2LockPairNs', 'syscalls.sendNs']);
    expect(b.profile.syscalls.sendNs.value).toBe(base.file.syscalls.sendNs.value);
    expect(b.profile.syscalls.sendNs.why).toMatch(new RegExp(`^${NOT_MEASURED} \\(no figure "loopback.send"`));
    expect(b.profile.interpreter.py2LockPairNs.why).toContain('below zero: noise larger than the effect');
  });

  it('gives the engine a profile it runs: a sequential Python 2 countdown costs what the loop probe measured', () => {
    const dir = tmp();
    const file = join(dir, 'm.json');
    writeFileSync(file, JSON.stringify(buildProfile(base.file, base.name, measurements, meta).profile));
    const preset = loadPreset('vm-py2-sequential');
    const on = presetFromData(readJson(preset.file), preset.file, loadProfile(file));
    const { summary } = runHeadless(on);
    expect(summary.simulatedSeconds).toBeCloseTo((50e6 * measurements['loops.countdown.py2'].value) / 1e9, 2);
  });

  it('never writes a partial profile over a complete one without --force, and never over a file that is not a calibration', () => {
    const dir = tmp();
    const out = join(dir, 'p.json');
    const complete = buildProfile(base.file, base.name, { ...measurements, 'checkcost.10': { value: 9, why: 'x' } }, meta).profile;
    const partial = buildProfile(base.file, base.name, { ...measurements, 'checkcost.10': { value: -1, why: 'x' } }, meta).profile;
    expect(decideWrite(out, true, false)).toMatchObject({ file: out, intoOut: true });
    writeFileSync(out, JSON.stringify(complete));
    expect(existingKind(out)).toBe('complete');
    expect(decideWrite(out, true, false)).toMatchObject({ file: out, intoOut: true }); // a new complete calibration replaces it, saying so
    const d = decideWrite(out, false, false);
    expect(d).toMatchObject({ file: join(dir, 'p.partial.json'), intoOut: false });
    expect(d.message).toContain('--force');
    writeFileSync(d.file, JSON.stringify(partial));
    expect(existingKind(d.file)).toBe('partial');
    expect(decideWrite(out, false, false).file).toBe(join(dir, 'p.partial-2.json'));
    expect(decideWrite(out, false, true)).toMatchObject({ file: out, intoOut: true });
    writeFileSync(out, JSON.stringify(partial));
    expect(decideWrite(out, false, false)).toMatchObject({ file: out, intoOut: true }); // partial over partial
    const other = join(dir, 'notes.json');
    writeFileSync(other, '{"mine": true}');
    expect(existingKind(other)).toBe('other');
    expect(existingKind(join(dir, 'absent.json'))).toBe('absent');
    expect(() => decideWrite(other, true, false)).toThrow(/not a profile gil-top calibrate wrote/);
    expect(readFileSync(other, 'utf8')).toBe('{"mine": true}');
    expect(rawPathFor('/a/b.json')).toBe('/a/b.raw.json');
    expect(existsSync(join(dir, 'p.partial-2.json'))).toBe(false);
  });
});
