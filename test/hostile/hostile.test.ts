/**
 * 10,000 hostile cases against the real entry point (runCli, in this process): presets, machine
 * profiles, session files and command lines, generated and mutated by fast-check, with the cases
 * of issue 14 among the seeds. Each must end in a valid run (exit 0, 1 for a replay that does not
 * verify, 3 for --max-wall) or in one line on stderr and exit status 2, within a bounded time,
 * with no file overwritten. The counts by family are printed at the end.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from '../../src/cli/run-cli.js';
import { profilesDir } from '../../src/config/load.js';
import { recordRun, smallPreset, tempDir } from '../session/fixtures.js';

type Outcome = 'clean error' | 'valid run' | 'anything else';
const tally: Record<string, Record<Outcome, number>> = {};
const oddities: string[] = [];

let dir: string;
/** Files that no case may change: the content each must keep. */
const guarded = new Map<string, string>();
let sessionText = '';
let sessionFile = '';

/** A small, quick preset: an echo server beside a countdown, a client of 5 requests. */
const basePreset = { ...smallPreset(200_000, 5), name: 'tiny', title: 'tiny echo' };
const baseProfile = JSON.parse(readFileSync(join(profilesDir, 'article-vm.json'), 'utf8'));

beforeAll(() => {
  dir = tempDir();
  writeFileSync(join(dir, 'precious.txt'), 'precious');
  writeFileSync(join(dir, 'tiny.json'), JSON.stringify(basePreset));
  execFileSync('mkfifo', [join(dir, 'fifo')]);
  symlinkSync(join(dir, 'precious.txt'), join(dir, 'link.jsonl'));
  mkdirSync(join(dir, 'folder'));
  sessionFile = join(dir, 'session.jsonl');
  recordRun(sessionFile, join(dir, 'tiny.json'), [
    { atNs: 2e6, action: { type: 'cores', cores: 1 } },
    { atNs: 3e6, action: { type: 'pause' } },
    { atNs: 4e6, action: { type: 'policy', policy: 'py2' } },
  ]);
  sessionText = readFileSync(sessionFile, 'utf8');
  for (const f of ['precious.txt', 'tiny.json', 'session.jsonl']) guarded.set(join(dir, f), readFileSync(join(dir, f), 'utf8'));
});

afterAll(() => {
  const lines = Object.entries(tally).map(([family, t]) => `${family.padEnd(14)} clean error ${t['clean error']}, valid run ${t['valid run']}, anything else ${t['anything else']}`);
  const total = Object.values(tally).reduce((a, t) => a + t['clean error'] + t['valid run'] + t['anything else'], 0);
  console.log(`hostile cases: ${total}\n${lines.join('\n')}${oddities.length > 0 ? `\n${oddities.slice(0, 20).join('\n')}` : ''}`);
});

/** Runs the command line in this process; classifies how it ended. */
async function attempt(family: string, argv: string[]): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((s) => ((stdout += String(s)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((s) => ((stderr += String(s)), true));
  const t0 = performance.now();
  let code: number | null = null;
  let thrown: unknown = null;
  try {
    code = await runCli(argv);
  } catch (e) {
    thrown = e;
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
  const ms = performance.now() - t0;
  const lines = stderr.split('\n').filter((l) => l !== '');
  let outcome: Outcome = 'anything else';
  // eslint-disable-next-line no-control-regex
  const clean = (l: string) => l.startsWith('gil-top: ') && !/[\u0000-\u001f\u007f-\u009f]/.test(l) && l.length < 1200;
  if (thrown === null && code === 2 && lines.length === 1 && clean(lines[0]) && stdout === '') outcome = 'clean error';
  else if (thrown === null && (code === 0 || code === 1 || code === 3) && lines.every(clean) && (code !== 1 || argv.includes('replay') || lines.length > 0)) outcome = 'valid run';
  // Bounded time: --max-wall is 0.05 s; the rest is loading and checking (a loaded machine).
  if (ms > 15_000) outcome = 'anything else';
  for (const [file, content] of guarded)
    if (!existsSync(file) || readFileSync(file, 'utf8') !== content) {
      outcome = 'anything else';
      oddities.push(`${family}: ${file} was changed by ${JSON.stringify(argv).slice(0, 200)}`);
      writeFileSync(file, content);
    }
  tally[family] ??= { 'clean error': 0, 'valid run': 0, 'anything else': 0 };
  tally[family][outcome]++;
  if (outcome === 'anything else' && oddities.length < 50)
    oddities.push(`${family}: ${JSON.stringify(argv).slice(0, 300)} -> code ${code}, ${Math.round(ms)} ms, ${thrown === null ? JSON.stringify(stderr.slice(0, 300)) : String((thrown as Error).stack).slice(0, 300)}`);
  return outcome;
}

// ---- values and mutations ---------------------------------------------------------------------

const hostileValues: unknown[] = [
  -1, 0, 0.5, 1e-4, 1e308, -1e308, 5e-324, 2 ** 53, 1e12 + 1, 3.5, 1e9, 256, 257, 1_000_000, 100_000,
  '', 'x'.repeat(10_000), 'toString', '__proto__', 'constructor', 'hasOwnProperty', 'valueOf', 'forever', 'NaN', 'Infinity', '\u001b[31mred', 'a\nb', '\u009b2J',
  null, true, false, [], {}, [1, 2], { op: 'toString' }, '0x10', ' 2', '-1', 'py4', 'fib', 'countdown', 'py2', 'free-threaded',
];
const hostileOps: unknown[] = [
  { op: 'toString' }, { op: '__proto__' }, { op: 'constructor' }, { op: 'hasOwnProperty' }, { op: 'loop', kind: 'toString', iterations: 10 }, { op: 'loop', kind: '__proto__', iterations: 10 },
  { op: 'loop', kind: 'constructor', iterations: 10 }, { op: 'work', us: 0.0001 }, { op: 'ccall', us: 0.0001 }, { op: 'ccall', us: 1e-9 }, { op: 'sleep', us: 0 },
  { op: 'repeat', times: 'forever', body: [{ op: 'loop', kind: 'countdown', iterations: 1 }] }, { op: 'repeat', times: 1e300, body: [{ op: 'sleep', us: 1 }] },
  { op: 'loop', kind: 'fib', iterations: 1e12 }, { op: 'send', socket: 'echo', bytes: 1e12 }, { op: 'recv', socket: 'nowhere' }, { op: 'repeat', times: 3, body: [] }, { op: 'request', body: [{ op: 'sleep', us: 1 }] },
];
const nest = (depth: number, leaf: unknown) => {
  let body: unknown[] = [leaf];
  for (let i = 0; i < depth; i++) body = [{ op: 'repeat', times: 2, body }];
  return body[0];
};

/** Every path to a value inside `o`. */
function paths(o: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (o !== null && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const p = [...prefix, Array.isArray(o) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

function setAt(o: any, path: (string | number)[], f: (parent: any, key: string | number) => void): void {
  let x = o;
  for (const k of path.slice(0, -1)) x = x[k];
  f(x, path[path.length - 1]);
}

/** A structural mutation of a JSON value: a hostile value somewhere, a key removed or added, an op replaced, deep nesting. */
const structural = fc.record({
  kind: fc.constantFrom('set', 'delete', 'add', 'op', 'nest', 'duplicate'),
  at: fc.nat(),
  value: fc.constantFrom(...hostileValues),
  op: fc.constantFrom(...hostileOps),
  depth: fc.constantFrom(3, 40, 680, 1500),
  key: fc.constantFrom('colour', '__proto__', 'constructor', 'x'.repeat(500), 'a\u001bb'),
});

function mutate(base: unknown, m: { kind: string; at: number; value: unknown; op: unknown; depth: number; key: string }): any {
  const o = JSON.parse(JSON.stringify(base));
  const all = paths(o);
  if (all.length === 0) return o;
  const path = all[m.at % all.length];
  switch (m.kind) {
    case 'set':
      setAt(o, path, (p, k) => (p[k] = m.value));
      break;
    case 'delete':
      setAt(o, path, (p, k) => (Array.isArray(p) ? p.splice(Number(k), 1) : delete p[k]));
      break;
    case 'add':
      setAt(o, path, (p) => {
        if (p !== null && typeof p === 'object' && !Array.isArray(p)) Object.defineProperty(p, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      });
      break;
    case 'op': {
      const progs = all.filter((p) => p[p.length - 1] === 'program' || p[p.length - 1] === 'body');
      if (progs.length > 0) setAt(o, progs[m.at % progs.length], (p, k) => (p[k] = [m.op, ...(Array.isArray(p[k]) ? p[k] : [])]));
      break;
    }
    case 'nest': {
      const progs = all.filter((p) => p[p.length - 1] === 'program');
      if (progs.length > 0) setAt(o, progs[m.at % progs.length], (p, k) => (p[k] = [nest(m.depth, { op: 'sleep', us: 1 })]));
      break;
    }
    case 'duplicate':
      setAt(o, path, (p, k) => {
        if (Array.isArray(p)) p.push(JSON.parse(JSON.stringify(p[Number(k)])));
      });
      break;
  }
  return o;
}

/** A mutation of the text: cut, a byte order mark, UTF-16, a comment, NaN, a trailing comma, a byte changed, pretty-printed. */
const textual = fc.record({
  kind: fc.constantFrom('none', 'none', 'none', 'cut', 'bom', 'utf16', 'comment', 'nan', 'comma', 'byte', 'pretty', 'huge', 'empty'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});

function render(o: unknown, t: { kind: string; at: number; byte: number }): Buffer {
  const text = t.kind === 'pretty' ? JSON.stringify(o, null, 2) : JSON.stringify(o);
  const at = t.at % Math.max(1, text.length);
  switch (t.kind) {
    case 'cut':
      return Buffer.from(text.slice(0, at));
    case 'bom':
      return Buffer.from('\uFEFF' + JSON.stringify(o, null, 2));
    case 'utf16':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(JSON.stringify(o, null, 2), 'utf16le')]);
    case 'comment':
      return Buffer.from(JSON.stringify(o, null, 2).replace('\n', '\n  // a comment\n'));
    case 'nan':
      return Buffer.from(text.replace(/:\s*(\d+(\.\d+)?)/, ': NaN'));
    case 'comma':
      return Buffer.from(text.replace(/\]/, ',]'));
    case 'byte': {
      const b = Buffer.from(text);
      b.writeUInt8(t.byte, at % b.length);
      return b;
    }
    case 'huge':
      return Buffer.from(text + ' '.repeat(1_100_000));
    case 'empty':
      return Buffer.alloc(0);
    default:
      return Buffer.from(text);
  }
}

/** The headless commands run with a small wall-clock budget, so that 10,000 cases fit in CI. */
const wall = ['--max-wall', '0.05'];

// ---- families ---------------------------------------------------------------------------------

describe('10,000 hostile cases: each a valid run or one line and exit status 2', () => {
  it('3,500 presets', async () => {
    const file = join(dir, 'p.json');
    const seeds: Buffer[] = [
      Buffer.from(JSON.stringify({ ...basePreset, threads: [{ name: 't', program: [nest(680, { op: 'sleep', us: 1 })] }] })),
      Buffer.from(JSON.stringify({ ...basePreset, threads: [{ name: 't', program: [{ op: 'toString' }] }] })),
      Buffer.from(JSON.stringify({ ...basePreset, threads: [{ name: 't', program: [{ op: 'loop', kind: 'constructor', iterations: 1 }] }] })),
      Buffer.from(JSON.stringify({ ...basePreset, threads: [{ name: 't', program: [{ op: 'ccall', us: 0.0001 }] }] })),
      Buffer.from(JSON.stringify({ ...basePreset, threads: [{ name: 't', program: [{ op: 'repeat', times: 'forever', body: [{ op: 'loop', kind: 'countdown', iterations: 1 }] }] }] })),
      Buffer.from(JSON.stringify({ ...basePreset, title: '\u001b[2J\u001b[31mred' })),
      Buffer.from(JSON.stringify(basePreset, null, 2).replace('"cores": 2', '"cores": NaN')),
    ];
    for (const s of seeds) {
      writeFileSync(file, s);
      expect(await attempt('presets', ['run', '--preset', file, ...wall])).not.toBe('anything else');
    }
    await fc.assert(
      fc.asyncProperty(structural, textual, fc.boolean(), async (m, t, json) => {
        writeFileSync(file, render(mutate(basePreset, m), t));
        const o = await attempt('presets', ['run', '--preset', file, ...wall, ...(json ? ['--json'] : [])]);
        expect(o).not.toBe('anything else');
      }),
      { numRuns: 3500 - seeds.length, seed: 1401 },
    );
  }, 600_000);

  it('1,500 machine profiles', async () => {
    const file = join(dir, 'prof.json');
    const preset = join(dir, 'uses-prof.json');
    writeFileSync(preset, JSON.stringify({ ...basePreset, profile: './prof.json' }));
    const seeds: unknown[] = [
      { ...baseProfile, interpreter: { ...baseProfile.interpreter, nsPerIteration: { countdown: { py2: { value: 1e308, why: 'x' }, py3: { value: 1e308, why: 'x' } } } } },
      { ...baseProfile, scheduler: { ...baseProfile.scheduler, tickNs: { value: 1, why: 'x' } } },
      { ...baseProfile, jitter: { value: 0, why: 'none' } },
    ];
    for (const s of seeds) {
      writeFileSync(file, JSON.stringify(s));
      expect(await attempt('profiles', ['run', '--preset', preset, ...wall])).not.toBe('anything else');
    }
    for (const special of ['/dev/zero', '/dev/urandom', join(dir, 'fifo'), join(dir, 'folder')]) {
      writeFileSync(preset, JSON.stringify({ ...basePreset, profile: special }));
      expect(await attempt('profiles', ['run', '--preset', preset, ...wall])).toBe('clean error');
    }
    writeFileSync(preset, JSON.stringify({ ...basePreset, profile: './prof.json' }));
    await fc.assert(
      fc.asyncProperty(structural, textual, async (m, t) => {
        writeFileSync(file, render(mutate(baseProfile, m), t));
        expect(await attempt('profiles', ['run', '--preset', preset, ...wall])).not.toBe('anything else');
      }),
      { numRuns: 1500 - seeds.length - 4, seed: 1402 },
    );
  }, 600_000);

  it('2,500 session files', async () => {
    const file = join(dir, 's.jsonl');
    const out = join(dir, 'trace.json');
    const lines = sessionText.split('\n').slice(0, -1);
    const reseal = (ls: string[]) => {
      const body = ls.slice(0, -1).map((l) => l + '\n').join('');
      let end: any;
      try {
        end = JSON.parse(ls[ls.length - 1]);
      } catch {
        return ls.join('\n') + '\n';
      }
      if (end?.type !== 'end') return ls.join('\n') + '\n';
      const rest = ls.slice(1, -1).map((l) => /"type":"(\w+)"/.exec(l)?.[1]);
      end.samples = rest.filter((x) => x === 'sample' || x === 'delta').length;
      end.actions = rest.filter((x) => x === 'action').length;
      end.sha256 = createHash('sha256').update(body).digest('hex');
      return body + JSON.stringify(end) + '\n';
    };
    const header = JSON.parse(lines[0]);
    const withHeader = (edit: (h: any) => void) => {
      const h = JSON.parse(JSON.stringify(header));
      edit(h);
      return reseal([JSON.stringify(h), ...lines.slice(1)]);
    };
    const seeds = [
      sessionText.replace('"jitter":0.25', '"jitter":0.9'),
      withHeader((h) => (h.config.profile.jitter = 0.9)),
      withHeader((h) => (h.config.overrides.cores = 1_000_000)),
      withHeader((h) => (h.config.sampleEveryNs = 1)),
      withHeader((h) => (h.config.preset.threads[0].program = [nest(680, { op: 'sleep', us: 1 })])),
      reseal(lines.map((l) => l.replace('"cores":1}', '"cores":100000}'))),
      reseal(lines.map((l) => l.replace('"cores":1}', '"cores":1000000000}'))),
      sessionText.slice(0, sessionText.length / 2),
    ];
    for (const s of seeds) {
      writeFileSync(file, s);
      expect(await attempt('sessions', ['replay', file, '--json', ...wall])).not.toBe('anything else');
    }
    for (const special of ['/dev/zero', join(dir, 'fifo'), join(dir, 'folder')]) expect(await attempt('sessions', ['replay', special, ...wall])).toBe('clean error');
    const lineMutation = fc.record({
      kind: fc.constantFrom('header', 'header-raw', 'line', 'delete', 'repeat', 'swap', 'cut', 'byte', 'append-garbage', 'delta'),
      line: fc.nat(),
      m: structural,
      at: fc.nat(),
      byte: fc.integer({ min: 0, max: 255 }),
      garbage: fc.constantFrom('{"type":"delta","d":[1e308]}', '{"type":"sample"}', '{"type":"toString"}', '{"type":"action","atNs":1e300,"events":0,"action":{"type":"cores","cores":1000000}}', '[]', 'null', '{"type":"end"}'),
    });
    await fc.assert(
      fc.asyncProperty(lineMutation, fc.constantFrom('replay-json', 'replay', 'export'), async (m, how) => {
        let ls = [...lines];
        const i = m.line % ls.length;
        let text: string;
        if (m.kind === 'header' || m.kind === 'header-raw') {
          ls[0] = JSON.stringify(mutate(header, m.m));
          text = m.kind === 'header' ? reseal(ls) : ls.join('\n') + '\n';
        } else if (m.kind === 'line' || m.kind === 'delta') {
          let o: unknown;
          try {
            o = JSON.parse(ls[i]);
          } catch {
            o = {};
          }
          ls[i] = JSON.stringify(mutate(o, m.m));
          text = m.kind === 'delta' ? reseal(ls) : ls.join('\n') + '\n';
        } else if (m.kind === 'delete') text = ls.filter((_, k) => k !== i).join('\n') + '\n';
        else if (m.kind === 'repeat') text = [...ls.slice(0, i + 1), ls[i], ...ls.slice(i + 1)].join('\n') + '\n';
        else if (m.kind === 'swap') {
          if (i + 1 < ls.length) [ls[i], ls[i + 1]] = [ls[i + 1], ls[i]];
          text = reseal(ls);
        } else if (m.kind === 'cut') text = sessionText.slice(0, m.at % sessionText.length);
        else if (m.kind === 'append-garbage') {
          ls = [...ls.slice(0, -1), m.garbage, ls[ls.length - 1]];
          text = reseal(ls);
        } else {
          const b = Buffer.from(sessionText);
          b[m.at % b.length] = m.byte;
          writeFileSync(file, b);
          text = '';
        }
        if (text !== '') writeFileSync(file, text);
        rmSync(out, { force: true });
        const argv = how === 'export' ? ['export', file, '--perfetto', out, ...wall] : ['replay', file, ...(how === 'replay-json' ? ['--json'] : []), ...wall];
        expect(await attempt('sessions', argv)).not.toBe('anything else');
      }),
      { numRuns: 2500 - seeds.length - 3, seed: 1403 },
    );
  }, 600_000);

  it('2,500 command lines', async () => {
    const fresh = join(dir, 'fresh.jsonl');
    const specialPaths = [join(dir, 'precious.txt'), join(dir, 'link.jsonl'), join(dir, 'fifo'), join(dir, 'folder'), '/dev/null', '/dev/zero', join(dir, 'tiny.json'), sessionFile, fresh, join(dir, 'no', 'such', 'x.json')];
    const token = fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('run', 'replay', 'export', 'presets', 'toString', '__proto__', 'constructor', 'rnu', 'replya', '', 'dashboard') },
      { weight: 6, arbitrary: fc.constantFrom('--preset', '-p', '--cores', '-c', '--policy', '--check-interval', '--switch-interval', '--seed', '--speed', '--json', '--markdown', '--record', '--force', '--perfetto', '--help', '-h', '--version', '--bogus', '--presets', '--jsno', '-x', '--', '--cores=0x10', '--preset=tiny', '--max-wall') },
      { weight: 6, arbitrary: fc.constantFrom('0', '1', '2', '-1', '-3', '0x10', '0b11', ' 2', '2.5', '1e3', 'NaN', 'Infinity', '1e308', 'py2', 'py3', 'py4', 'free-threaded', 'max', '\n', '\u001b[31m', 'x'.repeat(5000), 'py36-threads', 'py36-thread', 'echo-fib-py3', 'toString', '__proto__') },
      { weight: 4, arbitrary: fc.constantFrom(...specialPaths) },
    );
    const seeds = [
      ['presets'],
      ['run', '--cores', '0x10', '--preset', 'py36-threads'],
      ['run', '--cores', '-1', '--preset', 'py36-threads'],
      ['run', '--preset', join(dir, 'tiny.json'), '--record', join(dir, 'folder')],
      ['run', '--preset', join(dir, 'tiny.json'), '--record', join(dir, 'link.jsonl'), '--force'],
      ['run', '--preset', join(dir, 'tiny.json'), '--record', join(dir, 'precious.txt')],
      ['export', sessionFile, '--perfetto', '/dev/null', '--force'],
      ['toString'],
      ['run', '--preset', 'py36-thread'],
    ];
    for (const s of seeds) expect(await attempt('command lines', [...s, ...(s[0] === 'run' || s[0] === 'replay' || s[0] === 'export' ? wall : [])])).not.toBe('anything else');
    await fc.assert(
      fc.asyncProperty(fc.array(token, { minLength: 0, maxLength: 8 }), async (tokens) => {
        // Every headless command gets a small budget (a valid run could otherwise take its hour).
        const argv = tokens.map((t, k) => (tokens[k - 1] === '--max-wall' ? '0.05' : t));
        if (['run', 'replay', 'export'].includes(argv[0] ?? '') && !argv.includes('--max-wall') && !argv.includes('--')) argv.push(...wall);
        if (argv[0] === 'run' && !argv.some((a) => a === '--preset' || a === '-p' || a.startsWith('--preset='))) argv.push('--preset', join(dir, 'tiny.json'));
        rmSync(fresh, { force: true });
        expect(await attempt('command lines', argv)).not.toBe('anything else');
      }),
      { numRuns: 2500 - seeds.length, seed: 1404 },
    );
  }, 600_000);
});
