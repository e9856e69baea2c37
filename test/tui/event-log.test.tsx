import { afterEach, describe, expect, it } from 'vitest';
import type { Simulation } from '../../src/model/index.js';
import type { DashboardSetup } from '../../src/tui/controller.js';
import { EventLog, JournalReader, type JournalRing } from '../../src/tui/event-log.js';
import { closeDashboard, openDashboard } from './open-dashboard.js';

/**
 * A stand-in for the model's journal (`Simulation.enableJournal`), until the model writes one:
 * one sentence per event processed since it was enabled, saying who holds the GIL after it.
 */
class JournalDouble implements JournalRing {
  private readonly entries: [number, number, string][] = [];
  private seen: number;
  constructor(
    private readonly sim: Simulation,
    readonly capacity = 64,
  ) {
    this.seen = sim.events;
  }
  get written(): number {
    this.sync();
    return this.entries.length;
  }
  forEachSince(seq: number, fn: (atNs: number, threadId: number, text: string) => void): void {
    this.sync();
    for (let i = Math.max(seq, this.entries.length - this.capacity); i < this.entries.length; i++) fn(...this.entries[i]);
  }
  private sync(): void {
    while (this.seen < this.sim.events) {
      this.seen++;
      const s = this.sim.snapshot();
      const h = s.processes[0].gil.holder;
      this.entries.push([s.now, h, `${h >= 0 ? s.threads[h].name : 'nobody'}: event ${this.seen}, holds the GIL`]);
    }
  }
}

afterEach(closeDashboard);

/** The dashboard with a journal double, counting how often the journal was turned on. */
async function open(setup: Partial<DashboardSetup> = {}, height = 40) {
  let enabled = 0;
  const d = await openDashboard(
    {
      journal: (sim) => {
        enabled++;
        return new JournalDouble(sim);
      },
      ...setup,
    },
    100,
    height,
  );
  return { ...d, enabled: () => enabled };
}

describe('the event log', () => {
  it('. steps one event and names it from the journal', async () => {
    const { controller, press, enabled } = await open();
    expect(enabled()).toBe(0); // the journal costs the engine: off until something needs it
    const s = await press('.');
    const t = (controller.driver.sim.now / 1e9).toFixed(9);
    expect(s.split('\n').at(-2)).toMatch(new RegExp(`^stepped: ${t.replace('.', '\\.')} s {2}(t1|t2|nobody): event 1, holds the GIL$`));
    expect(enabled()).toBe(1);
    await press('.');
    expect(controller.driver.sim.events).toBe(2);
    expect(enabled()).toBe(1);
  });

  it('e shows the log: the sentences with their instants, newest last; e hides it', async () => {
    // 44 rows: the log gets four of its own beside three thread rows (the main thread's too).
    const { controller, press } = await open({}, 44);
    let s = await press('e');
    expect(s.split('\n').at(-2)).toBe('event log on: what happens, in words (. steps one event and names it)');
    expect(s).toContain('event log (e hides it; . steps one event and names it)');
    expect(s).toContain('nothing yet: the log shows events from the moment it is on');
    for (let i = 0; i < 5; i++) await press('s');
    s = await press(',');
    const lines = s.split('\n');
    const at = lines.findIndex((l) => l.startsWith('event log ('));
    const entries = lines.slice(at + 1).filter((l) => /^\d+\.\d{9} s {2}/.test(l));
    expect(entries.length).toBeGreaterThanOrEqual(4);
    const events = entries.map((l) => Number(/event (\d+),/.exec(l)![1]));
    expect(events).toEqual([...events].sort((a, b) => a - b));
    expect(events.at(-1)).toBe(controller.driver.sim.events);
    s = await press('e');
    expect(s).not.toContain('event log (');
    expect(s.split('\n').at(-2)).toBe('event log off (e shows it)');
  });

  it('with the model\'s own journal: its sentences, in order, each with its instant', async () => {
    const { press, controller } = await openDashboard({}, 100, 44);
    await press('e');
    for (let i = 0; i < 8; i++) await press('s');
    const lines = (await press(',')).split('\n');
    const at = lines.findIndex((l) => l.startsWith('event log ('));
    const entries = lines.slice(at + 1).filter((l) => /^\d+\.\d{9} s {2}/.test(l));
    expect(entries.length).toBeGreaterThanOrEqual(4);
    for (const e of entries) expect(e).toMatch(/^\d+\.\d{9} s {2}(t1|t2|MainThread|control|cpu\d)\S*: \S/);
    const times = entries.map((e) => Number(e.split(' ')[0]));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(times.at(-1)!).toBeLessThanOrEqual(controller.driver.sim.now / 1e9);
  });

  it('says plainly when there is no journal', async () => {
    const { press } = await open({ journal: () => null });
    let s = await press('e');
    expect(s.split('\n').at(-2)).toBe('event log on, but this run has no journal: nothing to narrate');
    expect(s).toContain('no journal for this run: nothing to narrate');
    s = await press('.');
    expect(s.split('\n').at(-2)).toMatch(/^stepped one event: now at t=0\.\d{6} s, event 1$/);
  });

  it('shows itself when the terminal has room for it (50 rows or more)', async () => {
    const { screen } = await open({}, 50);
    expect(screen()).toContain('event log (e hides it');
    closeDashboard();
    const small = await open({}, 49);
    expect(small.screen()).not.toContain('event log (');
  });
});

describe('JournalReader and EventLog', () => {
  it('read each entry once, from the moment reading started; the screen keeps the last few', () => {
    const entries: [number, number, string][] = [];
    const ring: JournalRing = {
      get written() {
        return entries.length;
      },
      forEachSince: (seq, fn) => entries.slice(seq).forEach((e) => fn(...e)),
    };
    entries.push([1, 0, 'a']);
    const reader = new JournalReader(ring);
    expect(reader.take()).toEqual([]); // what was written before it started is not news
    entries.push([2, 0, 'b'], [3, 1, 'c'], [4, 1, 'd'], [5, 0, 'e']);
    const fresh = reader.take();
    expect(fresh.map((e) => e.text)).toEqual(['b', 'c', 'd', 'e']);
    expect(reader.take()).toEqual([]);
    const log = new EventLog(3);
    log.add(fresh);
    expect(log.last(10).map((e) => e.text)).toEqual(['c', 'd', 'e']);
    expect(new JournalReader(null).take()).toEqual([]);
  });
});
