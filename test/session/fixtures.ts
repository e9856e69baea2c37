import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPreset, type Overrides } from '../../src/config/load.js';
import { SessionDriver, type SessionAction } from '../../src/session/driver.js';
import { SessionRecorder } from '../../src/session/recorder.js';
import { openSessionFile } from '../../src/session/session-file.js';

/** A fresh temporary folder. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'gil-top-session-'));
}

/**
 * A small preset that exercises most of what a sample holds: a Python 3 echo server and a
 * countdown thread fighting over the GIL on two cores, and a client making 20 requests.
 */
export function writeSmallPreset(dir: string, iterations = 4_000_000): string {
  const file = join(dir, 'small.json');
  const preset = smallPreset(iterations);
  writeFileSync(file, JSON.stringify(preset, null, 2));
  return file;
}

/** The data of the small preset (`writeSmallPreset`), its client making `requests` requests. */
export function smallPreset(iterations = 4_000_000, requests = 20) {
  return {
    name: 'small',
    title: 'echo server beside a countdown',
    description: 'test preset',
    profile: 'article-vm',
    policy: 'py3',
    cores: 2,
    threads: [
      { name: 'server', program: [{ op: 'accept', socket: 'echo' }, { op: 'repeat', times: 'forever', body: [{ op: 'recv', socket: 'echo' }, { op: 'send', socket: 'echo' }] }] },
      { name: 'worker', program: [{ op: 'loop', kind: 'countdown', iterations }] },
    ],
    actors: [
      {
        name: 'client',
        program: [
          { op: 'connect', socket: 'echo' },
          { op: 'repeat', times: requests, body: [{ op: 'request', body: [{ op: 'send', socket: 'echo', bytes: 100 }, { op: 'recv', socket: 'echo' }] }] },
          { op: 'close', socket: 'echo' },
        ],
      },
    ],
  };
}

/** Control actions at simulated instants (ns): what a user might do in the dashboard. */
export const someActions: { atNs: number; action: SessionAction }[] = [
  { atNs: 20e6, action: { type: 'switchInterval', ns: 1e6 } },
  { atNs: 35e6, action: { type: 'pause' } },
  { atNs: 35e6, action: { type: 'speed', speed: 0.01 } },
  { atNs: 35e6, action: { type: 'resume' } },
  { atNs: 50e6, action: { type: 'cores', cores: 1 } },
  { atNs: 80e6, action: { type: 'policy', policy: 'py2' } },
  { atNs: 90e6, action: { type: 'cores', cores: 3 } },
  { atNs: 120e6, action: { type: 'policy', policy: 'py3' } },
];

/** Records a run of `presetFile` with `actions`, sampling every `sampleEveryNs`, to `file`. */
export function recordRun(
  file: string,
  presetFile: string,
  actions = someActions,
  options: { overrides?: Overrides; sampleEveryNs?: number; stepEvents?: number } = {},
): { driver: SessionDriver; recorder: SessionRecorder } {
  const driver = new SessionDriver(loadPreset(presetFile), options.overrides ?? {}, options.sampleEveryNs ?? 1e6);
  const recorder = new SessionRecorder(file, driver, { createdAt: new Date('2026-01-02T03:04:05Z') });
  for (const a of actions) {
    driver.advanceTo(a.atNs);
    driver.act(a.action);
  }
  while (!driver.sim.finished) driver.advanceTo(driver.sim.now + 7e6);
  recorder.finalize('finished');
  return { driver, recorder };
}

/** The lines of a session file as objects, every sample whole (delta lines decoded), in file order. */
export function sessionObjects(file: string): Record<string, any>[] {
  const s = openSessionFile(file);
  const out: Record<string, any>[] = [s.header];
  for (const e of s.entries()) out.push(e.type === 'action' ? { type: 'action', ...e.action } : e.sample);
  if (s.end !== null) out.push(s.end);
  return out;
}

/**
 * Writes `lines` (header, actions and whole samples, end line) as a session file whose end line
 * counts and checksums what precedes it: a recording edited this way differs from the original
 * only in what the edit changed, so that replay's own checks are what finds it.
 */
export function writeSealed(file: string, lines: Record<string, any>[]): void {
  const last = lines.at(-1)!;
  const body = (last.type === 'end' ? lines.slice(0, -1) : lines).map((o) => JSON.stringify(o) + '\n').join('');
  let text = body;
  if (last.type === 'end') {
    const rest = lines.slice(1, -1);
    const end = { ...last, samples: rest.filter((l) => l.type === 'sample' || l.type === 'delta').length, actions: rest.filter((l) => l.type === 'action').length, sha256: createHash('sha256').update(body).digest('hex') };
    text += JSON.stringify(end) + '\n';
  }
  writeFileSync(file, text);
}

/** Recomputes the end line's counts and checksum of a session file edited as text. */
export function reseal(file: string): void {
  const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
  writeSealed(file, lines.map((l) => JSON.parse(l)));
}
