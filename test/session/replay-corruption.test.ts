import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/config/input-error.js';
import { verifySession } from '../../src/session/replay.js';
import { openSessionFile } from '../../src/session/session-file.js';
import { cli } from './cli-capture.js';
import { recordRun, sessionObjects, tempDir, writeSealed, writeSmallPreset } from './fixtures.js';

/**
 * A replay that cannot lie: a recording changed in any way after it was recorded never replays
 * as a match. Changed bytes, lines removed, added, moved or cut are found by the end line's
 * counts and checksum; changes that are resealed (counts and checksum recomputed, as a careful
 * forger would) but change what was simulated are found by the replay itself, which must reach
 * every recorded sample and action exactly and compare the end.
 */

let dir: string;
let file: string;
let text: string;

beforeAll(() => {
  dir = tempDir();
  file = join(dir, 'good.jsonl');
  recordRun(file, writeSmallPreset(dir, 1_000_000));
  text = readFileSync(file, 'utf8');
});

/** The verdict of a file: 'bad input' when it does not load, else the replay's verdict. */
function verdictOf(path: string): string {
  let session;
  try {
    session = openSessionFile(path);
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    expect((e as Error).message).not.toContain('\n');
    return 'bad input';
  }
  const r = verifySession(session);
  expect(r.matches).toBe(r.verdict === 'matches');
  if (r.verdict === 'matches') {
    expect(r.samplesChecked).toBe(r.samples);
    expect(r.actionsApplied).toBe(r.actions);
    expect(r.endChecked).toBe(true);
  }
  return r.verdict;
}

let n = 0;
const write = (content: string) => {
  const p = join(dir, `c${n++}.jsonl`);
  writeFileSync(p, content);
  return p;
};

describe('replay never reports a match for a recording changed after it was recorded', () => {
  it('the original matches', () => {
    expect(verdictOf(file)).toBe('matches');
  });

  it('the issue\'s case: jitter 0.25 -> 0.9 in the header (as text, then resealed)', async () => {
    const edited = write(text.replace('"jitter":0.25', '"jitter":0.9'));
    expect(verdictOf(edited)).toBe('altered');
    const r = await cli('replay', edited, '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ matches: false, verdict: 'altered' });
    expect(r.stderr).toMatch(/checksum does not match/);

    const lines = sessionObjects(file);
    lines[0].config.profile.jitter = 0.9;
    const sealed = join(dir, 'jitter-sealed.jsonl');
    writeSealed(sealed, lines);
    const again = await cli('replay', sealed, '--json');
    expect(again.code).toBe(1);
    const rep = JSON.parse(again.stdout);
    expect(rep.verdict).toBe('diverges');
    expect(rep.samplesChecked).toBeLessThan(rep.samples);
  });

  /** Edits that change what was simulated, resealed: the replay itself must find each. */
  const semantic: [string, (lines: Record<string, any>[]) => void][] = [
    ['jitter', (l) => (l[0].config.profile.jitter = 0.26)],
    ['a scheduler cost', (l) => (l[0].config.profile.scheduler.contextSwitchNs += 500)],
    ['a syscall cost', (l) => (l[0].config.profile.syscalls.futexWakeNs += 100)],
    ['the seed', (l) => (l[0].config.seed = '2')],
    ['the cores override', (l) => (l[0].config.overrides.cores = 1)],
    ['the preset\'s switch interval', (l) => (l[0].config.preset.switchInterval = 0.004)],
    ['the preset\'s loop', (l) => (l[0].config.preset.threads[1].program[0].iterations = 999_999)],
    ['the sampling interval', (l) => (l[0].config.sampleEveryNs = 2e6)],
    ['an action\'s value', (l) => (l.find((x) => x.type === 'action' && x.action.type === 'cores')!.action.cores = 2)],
    ['an action\'s instant', (l) => (l.find((x) => x.type === 'action' && x.action.type === 'policy')!.atNs += 1)],
    ['an action\'s event count', (l) => (l.find((x) => x.type === 'action' && x.action.type === 'policy')!.events -= 1)],
    ['an engine action removed', (l) => l.splice(l.findIndex((x) => x.type === 'action' && x.action.type === 'switchInterval'), 1)],
    ['an action added', (l) => l.splice(l.findIndex((x) => x.type === 'sample' && x.atNs === 30e6) + 1, 0, { type: 'action', atNs: 30e6, events: l.find((x) => x.type === 'sample' && x.atNs === 30e6)!.events, action: { type: 'checkInterval', ticks: 7 } })],
    ['a sample\'s counter', (l) => (l.find((x) => x.type === 'sample' && x.atNs === 20e6)!.counters.wakeups += 1)],
    ['a sample\'s event count', (l) => (l.find((x) => x.type === 'sample' && x.atNs === 20e6)!.events += 1)],
    ['a sample\'s thread state', (l) => (l.find((x) => x.type === 'sample' && x.atNs === 20e6)!.threads[0].cpuNs += 1)],
    ['a sample\'s latency', (l) => (l.filter((x) => x.type === 'sample' && x.clients[0].p50Ns !== null).at(-1)!.clients[0].p50Ns += 1)],
    ['a sample added past the end', (l) => l.splice(l.length - 1, 0, { ...l.at(-2), atNs: l.at(-1)!.atNs - (l.at(-1)!.atNs % 1e6) + 1e6 })],
    ['the end\'s instant', (l) => (l.at(-1)!.atNs += 1)],
    ['the end\'s event count', (l) => (l.at(-1)!.events -= 1)],
    ['the end\'s summary', (l) => (l.at(-1)!.summary.counters.checks += 1)],
    ['the end line removed', (l) => l.pop()],
  ];
  for (const [what, edit] of semantic)
    it(`resealed: ${what}`, () => {
      const lines = sessionObjects(file);
      edit(lines);
      const p = join(dir, `sealed-${n++}.jsonl`);
      writeSealed(p, lines);
      expect(verdictOf(p)).not.toBe('matches');
      // And as it would be edited by hand, without resealing.
      const raw = readFileSync(p, 'utf8').split('\n');
      raw[raw.length - 2] = text.split('\n').at(-2)!;
      if (lines.at(-1)!.type === 'end') expect(verdictOf(write(raw.join('\n')))).not.toBe('matches');
    });

  it('any change to the bytes, lines removed, repeated, swapped or added, or a cut: never a match', () => {
    const lines = text.split('\n').slice(0, -1);
    const mutation = fc.oneof(
      fc.record({ kind: fc.constant('byte' as const), at: fc.nat(text.length - 2), to: fc.constantFrom(...'0123456789abcdef,:{}[]" -.e'.split('')) }),
      fc.record({ kind: fc.constantFrom('delete' as const, 'repeat' as const, 'swap' as const, 'blank' as const), line: fc.nat(lines.length - 1) }),
      fc.record({ kind: fc.constant('cut' as const), at: fc.nat(text.length - 2) }),
      fc.record({ kind: fc.constant('append' as const), line: fc.nat(lines.length - 1) }),
    );
    const tally: Record<string, number> = {};
    fc.assert(
      fc.property(mutation, (m) => {
        let out: string;
        if (m.kind === 'byte') {
          if (text[m.at] === m.to || text[m.at] === '\n') return;
          out = text.slice(0, m.at) + m.to + text.slice(m.at + 1);
        } else if (m.kind === 'cut') out = text.slice(0, m.at + 1);
        else {
          const l = [...lines];
          if (m.kind === 'delete') l.splice(m.line, 1);
          else if (m.kind === 'repeat') l.splice(m.line, 0, l[m.line]);
          else if (m.kind === 'swap') {
            if (m.line + 1 >= l.length || l[m.line] === l[m.line + 1]) return;
            [l[m.line], l[m.line + 1]] = [l[m.line + 1], l[m.line]];
          } else if (m.kind === 'blank') l.splice(m.line + 1, 0, '');
          else l.push(l[m.line]);
          out = l.join('\n') + '\n';
        }
        const v = verdictOf(write(out));
        tally[v] = (tally[v] ?? 0) + 1;
        expect(v, `${JSON.stringify(m)}`).not.toBe('matches');
      }),
      { numRuns: 300, seed: 14 },
    );
    expect(Object.keys(tally).length).toBeGreaterThanOrEqual(3);
  });
});

describe('session format version 1 (whole samples, no counts, no checksum)', () => {
  it('still loads and replays as a match', () => {
    const lines = sessionObjects(file);
    lines[0].version = 1;
    const { samples: _s, actions: _a, sha256: _h, ...end } = lines.at(-1)!;
    const v1 = join(dir, 'v1.jsonl');
    writeFileSync(v1, [...lines.slice(0, -1), end].map((o) => JSON.stringify(o) + '\n').join(''));
    const s = openSessionFile(v1);
    expect(s.header.version).toBe(1);
    expect(s.problems).toEqual([]);
    const r = verifySession(s);
    expect(r.verdict).toBe('matches');
    expect(r.samplesChecked).toBe(r.samples);
    // Delta lines are a version 2 form: in a version 1 file they are not a session line.
    writeFileSync(v1, readFileSync(file, 'utf8').replace('"version":2', '"version":1'));
    expect(verdictOf(v1)).toBe('bad input');
  });
});
