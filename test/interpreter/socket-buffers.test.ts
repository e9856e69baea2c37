import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { Simulation } from '../../src/model/simulation.js';
import type { ThreadSpec } from '../../src/model/types.js';
import { formatSummary } from '../../src/cli/commands/run.js';
import { runHeadless } from '../../src/session/headless.js';
import { runJob } from '../../src/session/parallel-job.js';
import { WallBudget } from '../../src/session/wall-budget.js';
import { articleProfile, config } from '../helpers.js';
import { tempDir } from '../session/fixtures.js';

const buffers = articleProfile.sockets!;
/** What a connection holds unread before a send blocks, on the article's machine. */
const cap = buffers.sendBufferBytes + buffers.receiveBufferBytes;

/** A server that accepts, reads `reads` messages (each followed by some Python work) and ends. */
function server(reads: number | 'forever'): ThreadSpec {
  return {
    name: 'server',
    program: [
      { op: 'accept', socket: 's' },
      { op: 'repeat', times: reads, body: [{ op: 'recv', socket: 's' }, { op: 'loop', kind: 'countdown', iterations: 10_000 }] },
    ],
  };
}

/** A client that sends `times` messages of `bytes`, then closes. */
function writer(times: number | 'forever', bytes: number): ThreadSpec {
  return { name: 'client', program: [{ op: 'connect', socket: 's' }, { op: 'repeat', times, body: [{ op: 'send', socket: 's', bytes }] }, { op: 'close', socket: 's' }] };
}

describe('socket buffers bounded as the kernel bounds them', () => {
  it('blocks a writer whose peer never reads once the buffers are full: no crash, bounded memory, a deadlock the run can tell', () => {
    const sim = new Simulation(config({ policy: 'py3', threads: [server(0)], actors: [writer('forever', 65_536)] }));
    sim.runUntil(3600e9, 1_000_000); // bounded, should the writer never block
    // 66 sends of 64 KiB fill the 4,325,376 bytes exactly; the 67th blocks, and nothing else can happen.
    expect(cap).toBe(66 * 65_536);
    expect(sim.snapshot().counters.syscalls.send).toBe(67);
    expect(sim.deadlocked).toBe(true);
    expect(sim.lastEventAt).toBeLessThan(1e9);
    expect(sim.socketWaits()).toEqual(['client in send on s (4,325,376 bytes unread fill the buffers)']);
  });

  it('wakes the writer when the reader makes room: a slow reader paces a fast writer, and every byte arrives', () => {
    const run = (sockets: typeof buffers | undefined) => {
      const sim = new Simulation(config({ profile: { ...articleProfile, sockets }, threads: [server('forever')], actors: [writer(200, 1_000_000)] }));
      sim.runToEnd();
      const s = sim.snapshot();
      return { finished: sim.finished, recv: s.counters.syscalls.recv, clientDone: s.threads.find((t) => t.name === 'client')!.finishedAt! };
    };
    const bounded = run(buffers);
    const unbounded = run(undefined);
    // 200 messages and the end of file, each read by the server.
    expect(bounded).toMatchObject({ finished: true, recv: 201 });
    expect(unbounded).toMatchObject({ finished: true, recv: 201 });
    // Unbounded, the client is done in a few ms; bounded, it waits until the server has read all but
    // the last few messages (about 200 countdowns of 10,000 iterations, 0.4 ms each).
    expect(unbounded.clientDone).toBeLessThan(5e6);
    expect(bounded.clientDone).toBeGreaterThan(195 * 10_000 * 42);
  });

  it('narrates the full buffer and the room the reader makes', () => {
    const sim = new Simulation(config({ threads: [server('forever')], actors: [writer(10, 1_000_000)] }));
    const journal = sim.enableJournal(1 << 16);
    sim.runToEnd();
    const said: string[] = [];
    journal.forEachSince(0, (_at, _thread, text) => said.push(text));
    expect(said.some((t) => /^client: send 1000000 bytes on s: 5,000,000 bytes unread fill the buffers, it blocks until the peer reads$/.test(t))).toBe(true);
    expect(said.some((t) => t === "client: server's recv on s made room in the full buffers: its send goes on")).toBe(true);
  });

  it('gil-top run reports the deadlock: who waits for what, and when the run stopped moving', () => {
    const dir = tempDir();
    const file = join(dir, 'flood.json');
    const preset = { name: 'flood', title: 'a writer nobody reads', description: 'test', profile: 'article-vm', policy: 'py3', cores: 2, threads: [server(0)], actors: [writer('forever', 65_536)] };
    writeFileSync(file, JSON.stringify(preset));
    const { summary } = runHeadless(loadPreset(file), {}, new WallBudget(60));
    expect(summary.finished).toBe(false);
    expect(summary.deadlock).toBe(true);
    expect(summary.simulatedSeconds).toBeLessThan(1);
    const text = formatSummary(summary);
    expect(text).toMatch(/^stopped by a deadlock: nothing was left to happen after t=0\.\d{6} s simulated, with client in send on s \(4,325,376 bytes unread fill the buffers\)$/m);
  });

  it('compare, sweep and reproduce (their parallel jobs) call it a deadlock too, stopped where it stopped moving, not a run starved to the cap', () => {
    const dir = tempDir();
    const file = join(dir, 'flood.json');
    writeFileSync(file, JSON.stringify({ name: 'flood', title: 'a writer nobody reads', description: 'test', profile: 'article-vm', policy: 'py3', cores: 2, threads: [server(0)], actors: [writer('forever', 65_536)] }));
    for (const latencySeries of [false, true]) {
      const r = runJob({ preset: loadPreset(file), latencySeries });
      expect(r.stopped).toBe('deadlock');
      expect(r.summary.deadlock).toBe(true);
      expect(r.summary.simulatedSeconds).toBeLessThan(1);
    }
  });
});
