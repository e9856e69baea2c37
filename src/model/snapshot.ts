import type { Counters } from '../engine/counters.js';
import { ThreadView, threadViewNames } from '../engine/trace.js';
import { Activity, type PyThread } from '../interpreter/py-thread.js';
import type { Core } from '../os/kernel.js';
import { TaskState } from '../os/task.js';
import type { PolicyName, ProcessSettings } from '../policies/policy.js';
import type { Clients } from './clients.js';
import type { Process } from './process.js';
import type { Snapshot } from './types.js';

/** How a thread looks on a timeline now: from its scheduler state and what it is doing. */
export function viewOf(t: PyThread): ThreadView {
  switch (t.state) {
    case TaskState.New:
      return ThreadView.New;
    case TaskState.Done:
      return ThreadView.Done;
    case TaskState.Runnable:
      return ThreadView.Ready;
    case TaskState.Blocked:
      return t.activity === Activity.GilWait || t.activity === Activity.GilDrop ? ThreadView.Wait : ThreadView.Io;
    default:
      switch (t.activity) {
        case Activity.GilWait:
        case Activity.GilDrop:
          return ThreadView.Spin;
        case Activity.Io:
        case Activity.Sleep:
          return ThreadView.Sys;
        case Activity.Done:
          return ThreadView.Done;
        default:
          return ThreadView.Run;
      }
  }
}

/** What a snapshot is made of. */
export interface SnapshotSource {
  now: number;
  events: number;
  finished: boolean;
  policy: PolicyName;
  /** The settings every process shares (the user sets them for all at once). */
  settings: ProcessSettings;
  cores: readonly Core<PyThread>[];
  threads: readonly PyThread[];
  processes: readonly Process[];
  counters: Counters;
  clients: Clients;
}

/** A copy of everything the screen and the recorder read, with running stints counted up to now. */
export function snapshotOf(s: SnapshotSource): Snapshot {
  const now = s.now;
  const holders = new Set<PyThread>();
  for (const p of s.processes) {
    const h = p.gil.holder();
    if (h !== null) holders.add(h);
  }
  return {
    now,
    events: s.events,
    finished: s.finished,
    policy: s.policy,
    checkInterval: s.settings.checkInterval,
    switchIntervalNs: s.settings.switchIntervalNs,
    cores: s.cores
      .filter((c) => c.online)
      .map((c) => ({
        id: c.id,
        thread: c.curr === null ? -1 : c.curr.id,
        busyNs: c.busyNs + (c.curr !== null && now > c.curr.runFrom ? now - c.curr.runFrom : 0),
      })),
    threads: s.threads.map((t) => {
      const running = t.state === TaskState.Running;
      const unaccounted = running && now > t.runFrom ? now - t.runFrom : 0;
      const g = t.gil;
      return {
        id: t.id,
        name: t.name,
        process: t.process,
        python: t.python,
        daemon: t.daemon,
        view: threadViewNames[viewOf(t)],
        core: running ? t.core : -1,
        holdsGil: holders.has(t),
        cpuNs: t.cpuNs + unaccounted,
        gilHeldNs: g.heldNs + (Number.isNaN(g.heldSince) ? 0 : now - g.heldSince),
        gilWaitNs: g.waitNs + (Number.isNaN(g.waitSince) ? 0 : now - g.waitSince),
        runnableNs: t.runnableNs + (t.state === TaskState.Runnable ? now - t.runnableSince : 0),
        acquisitions: g.acquisitions,
        voluntarySwitches: t.voluntarySwitches,
        involuntarySwitches: t.involuntarySwitches,
        requests: t.requests,
        finishedAt: Number.isNaN(t.finishedAt) ? null : t.finishedAt,
      };
    }),
    processes: s.processes.map((p) => {
      const m = p.main;
      const w = m?.waitsFor ?? null;
      return {
        name: p.name,
        gil: p.gil.view(),
        mainThread: m === null ? -1 : m.id,
        mainWaits: m === null || w === null ? null : { kind: m.waitKind, thread: w.id },
        interrupted: m?.interrupted ?? false,
      };
    }),
    counters: s.counters,
    clients: s.clients.snapshot(),
  };
}
