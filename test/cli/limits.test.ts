import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputError } from '../../src/config/input-error.js';
import { loadPreset, profilesDir } from '../../src/config/load.js';
import { SessionDriver } from '../../src/session/driver.js';
import { SessionRecorder } from '../../src/session/recorder.js';
import { verifySession } from '../../src/session/replay.js';
import { openSessionFile } from '../../src/session/session-file.js';
import { cli } from '../session/cli-capture.js';
import { tempDir, writeSmallPreset } from '../session/fixtures.js';

const root = join(import.meta.dirname, '..', '..');

/** echo-fib-py2 on a machine without jitter: the server loses every race for the GIL (issue 14). */
/**
 * A run that never ends and keeps the engine busy (two processes ping-ponging on a socket), with a
 * Python thread that starves: it held the GIL at first, then t1 took it into a C call that lasts
 * an hour.
 */
function starvingPreset(dir: string): string {
  writeFileSync(
    join(dir, 'starve.json'),
    JSON.stringify({
      name: 'starve',
      title: 'a thread that starves',
      description: 'test preset',
      profile: 'article-vm',
      policy: 'py2',
      cores: 2,
      threads: [
        { name: 't1', program: [{ op: 'sleep', us: 1000 }, { op: 'ccall', us: 3.6e9 }] },
        { name: 'echo-server', program: [{ op: 'loop', kind: 'countdown', iterations: 1e12 }] },
      ],
      actors: [
        { name: 'ping', program: [{ op: 'connect', socket: 's' }, { op: 'repeat', times: 'forever', body: [{ op: 'send', socket: 's', bytes: 100 }, { op: 'recv', socket: 's' }] }] },
        { name: 'pong', program: [{ op: 'accept', socket: 's' }, { op: 'repeat', times: 'forever', body: [{ op: 'recv', socket: 's' }, { op: 'send', socket: 's' }] }] },
      ],
    }),
  );
  return join(dir, 'starve.json');
}

describe('runs that cannot run away', () => {
  it('--max-wall stops a run that would take minutes: exit 3, finished false, why, and the thread that starves', async () => {
    const dir = tempDir();
    const t0 = performance.now();
    const r = await cli('run', '--preset', starvingPreset(dir), '--max-wall', '2', '--json');
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.code).toBe(3);
    const s = JSON.parse(r.stdout);
    expect(s.finished).toBe(false);
    expect(s.stoppedBy).toMatch(/^the wall-clock limit of 2 s \(--max-wall\) at t=\d+\.\d{3} s simulated$/);
    expect(s.starving).toEqual([{ thread: 'echo-server', sinceSeconds: expect.any(Number), neverHeld: false }]);
    expect(s.starving[0].sinceSeconds).toBeLessThan(1);
  });

  it('replay --json stops at --max-wall too, never claiming a match (exit 3)', async () => {
    const dir = tempDir();
    const file = join(dir, 'long.jsonl');
    const rec = await cli('run', '--preset', starvingPreset(dir), '--max-wall', '2', '--record', file);
    expect(rec.code).toBe(3);
    const r = await cli('replay', file, '--json', '--max-wall', '0.001');
    expect(r.code).toBe(3);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ matches: false, verdict: 'incomplete', finished: false });
    expect(report.stoppedBy).toMatch(/--max-wall/);
    expect(report.samplesChecked).toBeLessThan(report.samples);
  });
});

describe('files written safely', () => {
  it('a full disk while recording: one line, the file cut back to whole lines and ended as failed', () => {
    const dir = tempDir();
    const file = join(dir, 'full.jsonl');
    const driver = new SessionDriver(loadPreset(writeSmallPreset(dir)), {}, 1e6);
    let room = 6000;
    let writes = 0;
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    const sink = {
      write: (fd: number, buf: Buffer, off: number, position?: number) => {
        writes++;
        if (room <= 0) throw full;
        const n = Math.min(room, buf.length - off);
        room -= n;
        // A partial write, as a disk that fills up mid-buffer gives.
        return writeSync(fd, buf, off, n, position ?? null);
      },
    };
    const recorder = new SessionRecorder(file, driver, { sink });
    let error: unknown = null;
    try {
      for (let t = 1e6; t <= 50e6; t += 1e6) {
        driver.advanceTo(t);
        driver.act({ type: 'speed', speed: 1 });
      }
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutputError);
    expect((error as Error).message).toMatch(new RegExp(`^${file}: cannot be written \\(no space left on the device\\); the recording stopped at t=0\\.\\d{3} s and the file keeps what was written before$`));
    expect(recorder.finalized).toBe(true);
    expect(() => recorder.finalize('quit')).not.toThrow();
    // What is there loads: whole lines, no end line (it did not fit), and replays as far as it goes.
    const text = readFileSync(file, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(text).not.toContain('\0');
    const s = openSessionFile(file);
    expect(s.end).toBeNull();
    expect(s.counts.samples).toBeGreaterThan(3);
    expect(verifySession(s).verdict).toBe('incomplete');
    expect(writes).toBeGreaterThan(2);
  });

  it('a disk with room for the end line after the cut: the partial file is ended as failed and replays up to there', () => {
    const dir = tempDir();
    const file = join(dir, 'almost.jsonl');
    const driver = new SessionDriver(loadPreset(writeSmallPreset(dir)), {}, 1e6);
    let failOnce = 3;
    const sink = {
      write: (fd: number, buf: Buffer, off: number, position?: number) => {
        if (--failOnce === 0) throw Object.assign(new Error('EIO'), { code: 'EIO' });
        return writeSync(fd, buf, off, buf.length - off, position ?? null);
      },
    };
    new SessionRecorder(file, driver, { sink });
    expect(() => {
      for (let t = 1e6; t <= 50e6; t += 1e6) {
        driver.advanceTo(t);
        driver.act({ type: 'speed', speed: 1 });
      }
    }).toThrow(/cannot be written \(input\/output error\)/);
    const s = openSessionFile(file);
    expect(s.end?.reason).toBe('failed');
    expect(s.problems).toEqual([]);
    expect(verifySession(s).verdict).toBe('matches');
  });

  it('--force never replaces a symbolic link, and never an input of the command', async () => {
    const dir = tempDir();
    const preset = writeSmallPreset(dir);
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'precious');
    const link = join(dir, 'link.jsonl');
    symlinkSync(target, link);
    const r = await cli('run', '--preset', preset, '--record', link, '--force');
    expect([r.code, r.stderr]).toEqual([2, `gil-top: ${link}: is a symbolic link; gil-top writes over regular files only\n`]);
    expect(readFileSync(target, 'utf8')).toBe('precious');
    const own = await cli('run', '--preset', preset, '--record', preset, '--force');
    expect([own.code, own.stderr]).toEqual([2, `gil-top: ${preset}: is also an input of this command; write to another file\n`]);
    expect(JSON.parse(readFileSync(preset, 'utf8')).name).toBe('small');
    const session = join(dir, 's.jsonl');
    expect((await cli('run', '--preset', preset, '--record', session)).code).toBe(0);
    const before = readFileSync(session, 'utf8');
    const self = await cli('export', session, '--perfetto', session, '--force');
    expect([self.code, self.stderr]).toEqual([2, `gil-top: ${session}: is also an input of this command; write to another file\n`]);
    expect(readFileSync(session, 'utf8')).toBe(before);
    const dev = await cli('export', session, '--perfetto', '/dev/null', '--force');
    expect([dev.code, dev.stderr]).toEqual([2, 'gil-top: /dev/null: is a character device; gil-top writes over regular files only\n']);
    expect(existsSync(join(dir, `.link.jsonl.${process.pid}.tmp`))).toBe(false);
  });
});

describe('closed pipes', () => {
  it('gil-top presets | head -2 ends quietly: no stack, no error line', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'presets'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // The reader takes the first chunk and goes away, as head does.
    child.stdout.once('data', () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});

