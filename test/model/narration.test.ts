/**
 * Slow motion narrates (issue 12): the dashboard's `.` steps one event and shows what the journal
 * said at it (src/tui/engine-session.ts), so every event of every preset must say something, under
 * each policy the dashboard can swap to. And the narration never changes the run.
 */
import { describe, expect, it } from 'vitest';
import { configFor, listPresets } from '../../src/config/load.js';
import { policyNames, type ControlAction } from '../../src/model/index.js';
import { Simulation } from '../../src/model/simulation.js';

const events = 3000;

describe('the narration', () => {
  it(`says something at every one of the first ${events} events of every preset, under every policy`, () => {
    const silent: string[] = [];
    for (const preset of listPresets())
      for (const policy of policyNames) {
        const sim = new Simulation(configFor(preset, { policy }));
        const journal = sim.enableJournal(1 << 12);
        let last = '';
        for (let i = 0; i < events; i++) {
          const before = journal.written;
          if (!sim.step()) break;
          if (journal.written === before) {
            silent.push(`${preset.name} under ${policy}: event ${sim.events} at ${sim.now} ns says nothing (after "${last}")`);
            break;
          }
          journal.forEachSince(journal.written - 1, (_at, _thread, text) => (last = text));
        }
      }
    expect(silent).toEqual([]);
  });

  it('says something at every event across the actions the dashboard sends: swaps between the policies, a signal, cores, intervals', () => {
    const actions: ControlAction[] = [
      { type: 'policy', policy: 'py3' },
      { type: 'signal' },
      { type: 'cores', cores: 1 },
      { type: 'policy', policy: 'free-threaded' },
      { type: 'policy', policy: 'py2' },
      { type: 'checkInterval', ticks: 10 },
      { type: 'cores', cores: 4 },
      { type: 'policy', policy: 'bfs' },
      { type: 'switchInterval', ns: 100_000 },
      { type: 'policy', policy: 'priority' },
      { type: 'policy', policy: 'py2' },
      { type: 'policy', policy: 'bfs' },
      { type: 'policy', policy: 'free-threaded' },
      { type: 'policy', policy: 'priority' },
    ];
    const silent: string[] = [];
    for (const preset of listPresets()) {
      const sim = new Simulation(configFor(preset));
      const journal = sim.enableJournal(1 << 12);
      for (let i = 0; i < actions.length * 500; i++) {
        if (i % 500 === 250) sim.apply(actions[Math.floor(i / 500)]);
        const before = journal.written;
        if (!sim.step()) break;
        if (journal.written === before) {
          silent.push(`${preset.name}: event ${sim.events} after ${JSON.stringify(actions[Math.floor(i / 500)])} says nothing`);
          break;
        }
      }
    }
    expect(silent).toEqual([]);
  });

  it('never changes the run: the same events, instants and counters with the journal on or off', () => {
    for (const preset of listPresets()) {
      const quiet = new Simulation(configFor(preset));
      const told = new Simulation(configFor(preset));
      told.enableJournal(64);
      quiet.runUntil(Infinity, events);
      told.runUntil(Infinity, events);
      const { counters: a, now: ta, threads: ra } = quiet.snapshot();
      const { counters: b, now: tb, threads: rb } = told.snapshot();
      expect({ preset: preset.name, now: tb, counters: b, threads: rb }).toEqual({ preset: preset.name, now: ta, counters: a, threads: ra });
    }
  });
});
