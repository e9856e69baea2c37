import { describe, expect, it } from 'vitest';
import { cli } from '../session/cli-capture.js';

describe('gil-top run', () => {
  it('prints one JSON object with the documented fields and counter names', async () => {
    const r = await cli('run', '--preset', 'py36-threads', '--json');
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout);
    for (const k of ['preset', 'policy', 'cores', 'seed', 'finished', 'simulatedSeconds', 'wallSeconds', 'events', 'counters', 'threads', 'clients']) expect(s).toHaveProperty(k);
    expect(s.finished).toBe(true);
    for (const k of ['futex_wait', 'futex_wait_timeout', 'futex_wake', 'recv', 'send']) expect(s.counters.syscalls).toHaveProperty(k);
    for (const k of ['wakeups', 'spuriousWakeups', 'gilAcquisitions', 'gilSwitches', 'dropRequests', 'forcedSwitches', 'ticks', 'checks']) expect(typeof s.counters[k]).toBe('number');
    expect(s.counters.contextSwitches).toEqual({ voluntary: expect.any(Number), involuntary: expect.any(Number) });
    expect(s.policy).toBe('py3');
    expect(s.simulatedSeconds).toBeGreaterThan(2.5);
    expect(s.threads.map((t: { name: string }) => t.name)).toEqual(['t1', 't2', 'MainThread']);
  });

  it('is deterministic: the same inputs give byte-identical JSON but for wallSeconds', async () => {
    const a = JSON.parse((await cli('run', '--preset', 'echo-fib-py3', '--json', '--seed', '9')).stdout);
    const b = JSON.parse((await cli('run', '--preset', 'echo-fib-py3', '--json', '--seed', '9')).stdout);
    delete a.wallSeconds;
    delete b.wallSeconds;
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
    expect(a.clients[0].requests).toBe(1000);
  });

  it('says so when a thread never finishes, instead of passing the time limit off as the end', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const file = join(mkdtempSync(join(tmpdir(), 'gil-top-run-')), 'forever.json');
    const forever = { op: 'repeat', times: 'forever', body: [{ op: 'loop', kind: 'countdown', iterations: 1000 }, { op: 'sleep', us: 100000 }] };
    writeFileSync(file, JSON.stringify({ name: 'forever', title: 't', description: 'a thread that never ends', profile: 'article-vm', policy: 'py3', cores: 1, threads: [{ name: 't1', program: [forever] }] }));
    const text = await cli('run', '--preset', file);
    expect(text.stdout).toContain('stopped at the 3600 s limit: a thread or client never finishes (mark endless threads "daemon": true)');
    expect(JSON.parse((await cli('run', '--preset', file, '--json')).stdout).finished).toBe(false);
  });

  it('applies the overrides', async () => {
    const s = JSON.parse((await cli('run', '--preset', 'py2-threads-1core', '--json', '--cores', '2', '--check-interval', '1000', '--policy', 'py2')).stdout);
    expect(s.cores).toBe(2);
    expect(s.checkInterval).toBe(1000);
  });

  it('quotes at most about 80 characters of a bad value', async () => {
    const r = await cli('run', '--preset', 'py36-threads', '--cores', 'x'.repeat(10_000));
    expect([r.code, r.stderr]).toEqual([2, `gil-top: --cores: "${'x'.repeat(40)}..." is not a whole number\n`]);
  });

  it.each([
    [['run', '--preset', 'nope'], /^gil-top: unknown preset "nope"/],
    [['run', '--preset', 'py36-threads', '--policy', 'py4'], /^gil-top: --policy: unknown policy "py4"/],
    [['run', '--preset', 'py36-threads', '--cores', '0'], /^gil-top: --cores: 0 is out of range \(1 to 256\)/],
    [['run', '--preset', 'py36-threads', '--cores', 'two'], /^gil-top: --cores: "two" is not a whole number$/],
    [['run', '--preset', 'py36-threads', '--cores', '0x10'], /^gil-top: --cores: "0x10" is not a whole number$/],
    [['run', '--preset', 'py36-threads', '--cores', '0b11'], /^gil-top: --cores: "0b11" is not a whole number$/],
    [['run', '--preset', 'py36-threads', '--cores', ' 2'], /^gil-top: --cores: " 2" is not a whole number$/],
    [['run', '--preset', 'py36-threads', '--cores', '-1'], /^gil-top: --cores: -1 is out of range \(1 to 256\)$/],
    [['run', '--preset', 'py36-threads', '-c', '-3'], /^gil-top: --cores: -3 is out of range \(1 to 256\)$/],
    [['run', '--preset', 'py36-threads', '--cores'], /^gil-top: --cores needs a value/],
    [['run', '--preset', 'py36-threads', '--json=yes'], /^gil-top: --json takes no value$/],
    [['run', '--preset', 'py36-threads', '--max-wall', '0'], /^gil-top: --max-wall: 0 is out of range/],
    [['run', '--preset', 'py36-thread'], /^gil-top: unknown preset "py36-thread" \(did you mean "py36-threads"\?; or give a path to a \.json file\)$/],
    [['run', '--preset', 'toString'], /^gil-top: unknown preset "toString" \(known: /],
    [['run', '--preset', '__proto__'], /^gil-top: unknown preset "__proto__" \(known: /],
    [['toString'], /^gil-top: unknown command "toString" \(commands: /],
    [['constructor'], /^gil-top: unknown command "constructor" \(commands: /],
    [['__proto__'], /^gil-top: unknown command "__proto__" \(commands: /],
    [['rnu'], /^gil-top: unknown command "rnu" \(did you mean "run"\?\)$/],
    [['run', '--preset', 'py36-threads', '--policy', 'py33'], /^gil-top: --policy: unknown policy "py33" \(did you mean "py3"\?\)$/],
    [['run', '--preset', 'py36-threads', '--seed', 'a\u001b[31mb'], /^gil-top: --seed: "a\\u001b\[31mb" must be at most 200 characters without control characters$/],
    [['run', '--preset', 'py36-threads', '--check-interval', '0'], /^gil-top: --check-interval: 0 is out of range/],
    [['run', '--preset', 'py36-threads', '--switch-interval=-1'], /^gil-top: --switch-interval: -1 is out of range/],
    [['run', '--preset', 'py36-threads', '--switch-interval', '-1'], /^gil-top: --switch-interval: -1 is out of range/],
    [['run'], /^gil-top: run needs --preset/],
    [['run', '--preset', 'py36-threads', '--bogus'], /^gil-top: unknown option "--bogus"; see gil-top --help$/],
    [['run', '--preset', 'py36-threads', '--presets'], /^gil-top: unknown option "--presets" \(did you mean --preset\?\); see gil-top --help$/],
    [['run', '--preset', 'py36-threads', '--jsno'], /^gil-top: unknown option "--jsno" \(did you mean --json\?\); see gil-top --help$/],
    [['run', '--preset', 'py36-threads', '--record', '/tmp'], /^gil-top: \/tmp: is a folder; give the name of a file to write$/],
    [['run', '--preset', 'py36-threads', '--record', '/dev/null', '--force'], /^gil-top: \/dev\/null: is a character device; gil-top writes over regular files only$/],
    [['frobnicate'], /^gil-top: unknown command "frobnicate"/],
  ])('bad input %j: one line on stderr, exit status 2', async (argv, message) => {
    const r = await cli(...(argv as string[]));
    expect(r.code).toBe(2);
    expect(r.stderr.trimEnd()).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toContain('\u001b');
    expect(r.stdout).toBe('');
  });
});
