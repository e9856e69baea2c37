import { InputError } from '../config/input-error.js';
import type { Overrides, Preset } from '../config/load.js';
import { limits } from '../config/preset-schema.js';
import { actionText, isEngineAction, SessionDriver, type LoggedAction, type SessionAction } from '../session/driver.js';
import { DEFAULT_SPEED, FLAT_OUT, LiveLoop, nextStep, type LiveLoopOptions } from '../session/live-loop.js';
import type { ReplayPlayer, ReplayVerdict } from '../session/replay.js';
import { defaultSampleEveryNs } from '../session/session-file.js';
import { formatEntry, JournalReader, journalOf, LOG_KEEP, type JournalRing, type LogEntry } from './event-log.js';
import { fmtSpan, fmtSpeed } from './format.js';
import { deadOnFinishedRun, keymap, type KeyAction } from './keymap.js';
import { TraceCursor, type TraceSlice } from './trace-slice.js';
import { policyNames, type PolicyName, type Simulation, type Snapshot, type TraceBuffer } from '../model/index.js';

/** Check intervals `i`/`I` step through, ticks. */
export const checkIntervalSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000];
/** Switch intervals `i`/`I` step through, seconds. */
export const switchIntervalSteps = [1e-6, 1e-5, 1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 10];

/** A recording in progress, as the dashboard sees it (SessionRecorder fits). */
export interface ActiveRecording {
  readonly file: string;
  finalize(reason?: 'quit' | 'finished' | 'interrupted' | 'crashed'): unknown;
  readonly finalized: boolean;
}

/** How the engine side of the dashboard starts (in this thread, or in its worker). */
export interface EngineSetup {
  preset: Preset;
  overrides?: Overrides;
  speed?: number;
  /** Called with each new driver before it runs (e.g. to attach a recorder); returns it, if any. */
  record?: (driver: SessionDriver) => ActiveRecording | null;
  /**
   * Starts recording the run in progress (the `r` key): the file gets the run's actions so far
   * and its samples from now on, which is all a replay needs. Throws an InputError to refuse.
   */
  startRecording?: (driver: SessionDriver) => ActiveRecording;
  loop?: LiveLoopOptions;
  startPaused?: boolean;
  /**
   * A recording to play back (read-only) instead of a live run: its driver is shown, its
   * recorded actions change the run at their instants, and its recorded pauses and speed
   * changes pace the playback. `preset` should be the player's.
   */
  replay?: ReplayPlayer;
  /** Turns on the model's journal of a run (tests pass a double); default `journalOf`. */
  journal?: (sim: Simulation) => JournalRing | null;
}

/** What the engine is asked to do: a key's action, another preset, or the trace again. */
export type EngineCommand =
  | { type: 'key'; action: KeyAction }
  | { type: 'load'; preset: Preset }
  /**
   * The screen starts its timeline afresh (another span, another size): send the trace still
   * held again with the next frame, and from now on only what it can show: entries within
   * `keepNs` of the frame's instant, of the first `keepThreads` threads (the rows that fit).
   */
  | { type: 'timeline'; keepNs: number; keepThreads: number }
  /** The screen shows the event log: turn the model's journal on (it stays on for the session). */
  | { type: 'journal' };

/** Where a playback stands. */
export interface PlaybackState {
  done: boolean;
  divergence: { atNs: number; message: string } | null;
  /** Recorded samples checked so far. */
  samplesChecked: number;
  /** The replay's verdict so far (matches only once everything was checked) and its line. */
  verdict: ReplayVerdict;
  message: string;
}

/** How a recording in progress ends when the dashboard closes. */
export type CloseReason = 'quit' | 'interrupted' | 'crashed';

/** What is left of the engine once the dashboard closes. */
export interface EngineFinal {
  /** The file of the last recording (finalised now if it was still going), null if none. */
  recorded: string | null;
  /** Simulated instant the run had reached, ns. */
  nowNs: number;
  replay: PlaybackState | null;
}

/** One frame of the engine's state: all the screen needs, and all that crosses from the worker. */
export interface EngineFrame {
  /** Counts runs: a restart or another preset starts a new one (the screen forgets the old). */
  run: number;
  seed: string;
  snap: Snapshot;
  /** Trace entries since the last frame (of this run). */
  trace: TraceSlice;
  speed: number;
  paused: boolean;
  /** The file being recorded to, null when not recording. */
  recording: string | null;
  /** The file of the last recording of this session, finished or not (null: none). */
  recorded: string | null;
  /** The latest message, numbered (the screen shows a message once, however many frames carry it). */
  message: { seq: number; text: string };
  replay: PlaybackState | null;
  /** Wall time the engine ran since the last frame, ms, and in how many slices. */
  engineMs: number;
  slices: number;
  /**
   * The model's journal: the sentences written since the last frame; `available` is null until
   * the journal is asked for, false when the model gives none.
   */
  journal: { available: boolean | null; entries: LogEntry[] };
  /** Set once a live run has finished: what the end-of-run card needs besides the snapshot. */
  end: RunEnd | null;
  /** The live run is deadlocked: unfinished, and nothing is left to happen. */
  deadlocked: boolean;
}

/** How a live run ended, for the end-of-run card. */
export interface RunEnd {
  /** Simulated instant the run finished. */
  endNs: number;
  /** Whether the run was changed while it ran (policy, interval, cores, signal). */
  changedLive: boolean;
  /** The policy and cores `R` starts the next run with (p and c/C choose them on a finished run). */
  next: { policy: PolicyName; cores: number };
}

/**
 * The engine side of the dashboard: the live loop over the current run, recordings, playback,
 * and the actions of keys that change or pace the run. It runs in the dashboard's worker (or in
 * the same thread, for tests); the screen sends it commands and takes frames from it. Every
 * change to the run goes through the driver, so that the session log and a recording see it.
 */
export class EngineSession {
  readonly loop: LiveLoop;
  preset: Preset;
  overrides: Overrides;
  recording: ActiveRecording | null = null;
  /** The recording played back, null for a live run. */
  readonly player: ReplayPlayer | null;
  run = 0;
  private message = { seq: 0, text: '' };
  private trace!: TraceBuffer;
  private cursor = new TraceCursor();
  /** The playback is held at a pause of the recording (a recorded resume lifts it). */
  private heldByRecording = false;
  /** The end of the playback has been announced. */
  private endShown = false;
  private engineMs = 0;
  private slices = 0;
  /** How much of the trace before a frame's instant the screen's timeline can show, ns, and of how many threads. */
  private keepNs = Infinity;
  private keepThreads = Infinity;
  /** The model's journal once asked for (it costs the engine: off until the log or a step needs it). */
  private journal: JournalReader | null = null;
  /** Journal entries read for a message and not yet sent with a frame. */
  private pendingLog: LogEntry[] = [];
  /** What the message line last said about the live run's state: nothing while it runs, then its end or its deadlock. */
  private announced: 'running' | 'finished' | 'deadlock' = 'running';

  constructor(readonly setup: EngineSetup) {
    this.player = setup.replay ?? null;
    this.preset = this.player?.preset ?? setup.preset;
    this.overrides = { ...(setup.overrides ?? {}) };
    this.loop = new LiveLoop(this.newDriver(setup.speed ?? DEFAULT_SPEED), setup.speed ?? DEFAULT_SPEED, setup.loop, this.player);
    if (setup.startPaused) this.loop.pause();
    this.say(this.preset.title);
    const p = this.player;
    if (p !== null) {
      p.stopAtPause = true;
      p.driver.addListener({ onAction: (e) => this.onRecordedAction(e) });
      const n = p.session.counts.actions;
      this.say(`replaying ${p.session.file} (recorded ${p.session.header.createdAt}): ${n} action${n === 1 ? '' : 's'}, ${p.session.counts.samples} samples; read-only`);
      this.checkReplayEnd();
    }
  }

  get driver(): SessionDriver {
    return this.loop.driver;
  }

  /** The latest message and its number (each new message gets the next). */
  get text(): string {
    return this.message.text;
  }

  get messageSeq(): number {
    return this.message.seq;
  }

  private say(text: string): void {
    this.message = { seq: this.message.seq + 1, text };
  }

  /** A recorded action took effect in the playback (the loop logs nothing while replaying). */
  private onRecordedAction(e: LoggedAction): void {
    const at = `at t=${(e.atNs / 1e9).toFixed(6)} s`;
    const a = e.action;
    if (a.type === 'pause') {
      if (this.loop.paused) return;
      this.loop.pause();
      this.heldByRecording = true;
      this.say(`the recording paused here, ${at}: space continues the playback`);
    } else if (a.type === 'resume') {
      if (!this.heldByRecording) return;
      this.heldByRecording = false;
      this.loop.resume();
      this.say(`the recording resumed ${at}`);
    } else if (a.type === 'speed') {
      this.loop.setSpeed(a.speed);
      this.say(`the recording set the speed to ${fmtSpeed(a.speed, FLAT_OUT)} ${at}`);
    } else if (isEngineAction(a)) this.say(`recorded: ${actionText(a)} ${at}`);
  }

  /** Announces the end of a playback once: complete and matching, or where it diverged. */
  private checkReplayEnd(): void {
    const p = this.player;
    if (p === null || this.endShown || !p.done) return;
    this.endShown = true;
    const d = p.divergence;
    this.say(
      d === null
        ? p.verdict === 'matches'
          ? `replay complete: matches the recording (${p.samplesChecked} samples and the final summary, ${p.nextAction} actions) at t=${(this.driver.sim.now / 1e9).toFixed(6)} s`
          : p.describe()
        : `replay diverges at t=${(d.atNs / 1e9).toFixed(6)} s: ${d.message}`,
    );
  }

  /** A driver for a new run at `speed` (logged first, so that a replay starts at the speed the session ran at). */
  private newDriver(speed: number): SessionDriver {
    this.run++;
    this.cursor = new TraceCursor();
    this.announced = 'running';
    this.pendingLog = [];
    const journalOn = this.journal !== null;
    if (this.player !== null) {
      const d = this.player.driver;
      this.trace = d.sim.enableTrace();
      return d;
    }
    const d = new SessionDriver(this.preset, this.overrides, defaultSampleEveryNs);
    this.trace = d.sim.enableTrace();
    if (journalOn) this.journal = new JournalReader((this.setup.journal ?? journalOf)(d.sim));
    if (this.setup.record !== undefined && (this.recording === null || !this.recording.finalized)) this.recording = this.setup.record(d);
    d.act({ type: 'speed', speed });
    return d;
  }

  /** The journal of the current run, turned on at the first need. */
  private journalReader(): JournalReader {
    this.journal ??= new JournalReader((this.setup.journal ?? journalOf)(this.driver.sim));
    return this.journal;
  }

  /** Runs the engine for one slice of wall time; returns whether the run moved. */
  slice(): boolean {
    const sim = this.driver.sim;
    const [now, events] = [sim.now, sim.events];
    this.loop.slice();
    this.engineMs += this.loop.lastSliceMs;
    this.slices++;
    // Time can move without an event (a quiet stretch in slow motion): that must redraw too.
    const moved = sim.now !== now || sim.events !== events;
    this.announce();
    this.checkReplayEnd();
    return moved;
  }

  /**
   * Says once when the live run ends (and closes its recording) or deadlocks. A deadlock can end
   * (a signal may wake the main thread from a join): said again if it comes back.
   */
  private announce(): void {
    const sim = this.driver.sim;
    const state = this.liveState();
    if (state === this.announced) return;
    this.announced = state;
    if (state === 'deadlock') {
      const waits = sim.socketWaits();
      this.say(`deadlock since t=${(sim.lastEventAt / 1e9).toFixed(6)} s: ${waits.length > 0 ? waits.join(', ') : 'every thread is asleep with nobody to wake it'}; R restarts`);
    } else if (state === 'finished') {
      const at = `t=${(this.endNs() / 1e9).toFixed(6)} s`;
      if (this.recording !== null && !this.recording.finalized) {
        this.recording.finalize('finished');
        this.say(`run finished at ${at}; recording written to ${this.recording.file}`);
      } else this.say(`finished at ${at}: R again, p then R another policy, l another preset`);
    }
  }

  /** Where the live run stands (a playback counts as running: its own end is said apart). */
  private liveState(): 'running' | 'finished' | 'deadlock' {
    const sim = this.driver.sim;
    return this.player !== null ? 'running' : sim.finished ? 'finished' : sim.deadlocked ? 'deadlock' : 'running';
  }

  /** The simulated instant the run finished (or now, while it runs). */
  private endNs(): number {
    const sim = this.driver.sim;
    return Number.isNaN(sim.finishedAt) ? sim.now : sim.finishedAt;
  }

  /** Carries out a command from the screen. */
  command(c: EngineCommand): void {
    if (c.type === 'key') this.key(c.action);
    else if (c.type === 'journal') this.journalReader();
    else if (c.type === 'load') {
      // A new preset starts from its own settings, not the command line's, at the start speed
      // (not at a speed carried over from the last run, which may have been "max").
      this.overrides = { seed: this.overrides.seed };
      this.loop.setSpeed(this.setup.speed ?? DEFAULT_SPEED);
      this.restart(c.preset);
      this.say(`loaded ${c.preset.name}: ${c.preset.title}`);
    } else {
      this.keepNs = c.keepNs;
      this.keepThreads = c.keepThreads;
      this.cursor.rewind(this.trace);
    }
  }

  /**
   * The frame now: a snapshot, the trace written since the last frame (only the part that can
   * still show on the screen's timeline), and the state of the session.
   */
  frame(): EngineFrame {
    const snap = this.driver.sim.snapshot();
    const f: EngineFrame = {
      run: this.run,
      seed: this.driver.sim.seed,
      snap,
      trace: this.cursor.take(this.trace, snap.now - this.keepNs, Math.min(snap.threads.length, this.keepThreads)),
      speed: this.loop.speed,
      paused: this.loop.paused,
      recording: this.recording !== null && !this.recording.finalized ? this.recording.file : null,
      recorded: this.recording?.file ?? null,
      message: this.message,
      replay: this.playback(),
      engineMs: this.engineMs,
      slices: this.slices,
      journal: this.journal === null ? { available: null, entries: [] } : { available: this.journal.ring !== null, entries: [...this.pendingLog, ...this.journal.take()].slice(-LOG_KEEP) },
      end: this.runEnd(),
      deadlocked: this.liveState() === 'deadlock',
    };
    this.pendingLog = [];
    this.engineMs = 0;
    this.slices = 0;
    return f;
  }

  /** How the live run ended, null while it runs (and for a playback). */
  private runEnd(): RunEnd | null {
    const sim = this.driver.sim;
    if (this.player !== null || !sim.finished) return null;
    return {
      endNs: this.endNs(),
      changedLive: this.driver.log.some((e) => isEngineAction(e.action)),
      next: { policy: this.overrides.policy ?? this.preset.policy, cores: this.overrides.cores ?? this.preset.cores },
    };
  }

  /**
   * Keys on a finished run: those that cannot act on it say so; p and c/C choose the policy
   * and cores of the next run (R). Returns whether the key was handled here.
   */
  private finishedKey(action: KeyAction): boolean {
    const next = () => `next run: ${this.overrides.policy ?? this.preset.policy} on ${this.overrides.cores ?? this.preset.cores} core(s); R starts it`;
    if (action === 'cyclePolicy') {
      const cur = this.overrides.policy ?? this.preset.policy;
      this.overrides = { ...this.overrides, policy: policyNames[(policyNames.indexOf(cur) + 1) % policyNames.length] };
      this.say(next());
      return true;
    }
    if (action === 'coreAdd' || action === 'coreRemove') {
      const cur = this.overrides.cores ?? this.preset.cores;
      this.overrides = { ...this.overrides, cores: clamp(cur + (action === 'coreAdd' ? 1 : -1), limits.cores.min, limits.cores.max) };
      this.say(next());
      return true;
    }
    if (!deadOnFinishedRun.has(action)) return false;
    const key = keymap.find((b) => b.action === action)?.label.split(' ')[0] ?? action;
    this.say(`the run is over: ${key} cannot act (R again, p then R another policy, l a preset)`);
    return true;
  }

  /** Carries out a key's action on the run (the screen's own keys never come here). */
  key(action: KeyAction): void {
    if (this.player === null && this.driver.sim.finished && this.finishedKey(action)) return;
    this.run1(action);
    if (this.player !== null) this.afterPlaybackKey(action);
  }

  private run1(action: KeyAction): void {
    const sim = this.driver.sim;
    const at = () => `at t=${(sim.now / 1e9).toFixed(6)} s`;
    switch (action) {
      case 'togglePause':
        this.loop.togglePause();
        this.say(this.loop.paused ? `paused ${at()} (. steps an event, , a millisecond)` : `resumed ${at()}`);
        return;
      case 'stepEvent': {
        const j = this.journalReader();
        const before = j.take();
        const ok = this.loop.stepEvent();
        const said = j.take();
        this.pendingLog = [...this.pendingLog, ...before, ...said].slice(-LOG_KEEP);
        if (!ok) this.say(this.liveState() === 'deadlock' ? 'deadlocked: no event is left to step; R restarts' : 'nothing left to step: the run is over');
        else if (said.length > 0) this.say(`stepped: ${formatEntry(said[said.length - 1])}${said.length > 1 ? ` (+${said.length - 1} in the log)` : ''}`);
        else this.say(`stepped one event: now ${at()}, event ${sim.events}${j.ring !== null ? ' (nothing to narrate)' : ''}`);
        return;
      }
      case 'stepMillisecond': {
        this.loop.stepMillisecond();
        // A deadlocked run's clock stays where it is: say so, not that it stepped (a finished run never gets here: deadOnFinishedRun).
        this.say(this.liveState() === 'deadlock' ? 'deadlocked: the clock stays (nothing is left to happen); R restarts' : `stepped 1 ms: now ${at()}`);
        return;
      }
      case 'faster':
      case 'slower': {
        const s = this.loop.stepSpeed(action === 'faster' ? 1 : -1);
        this.say(`speed ${fmtSpeed(s, FLAT_OUT)}${s >= FLAT_OUT ? ' (as fast as the engine runs)' : ' (simulated time per wall second)'}`);
        return;
      }
      case 'cyclePolicy': {
        const next = policyNames[(policyNames.indexOf(sim.policy) + 1) % policyNames.length];
        this.loop.act({ type: 'policy', policy: next });
        this.say(`policy -> ${next} ${at()}`);
        return;
      }
      case 'intervalDown':
      case 'intervalUp': {
        const dir = action === 'intervalUp' ? 1 : -1;
        if (sim.policy === 'py2') {
          const cur = sim.snapshot().checkInterval;
          const ticks = clamp(nextStep(checkIntervalSteps, cur, dir), limits.checkInterval.min, limits.checkInterval.max);
          this.loop.act({ type: 'checkInterval', ticks });
          this.say(`check interval -> ${ticks} ticks ${at()}`);
        } else if (sim.policy === 'bfs') {
          this.say("bfs's slice is the patch's constant, 10 ms: no interval to change (p cycles the policy)");
        } else if (sim.policy !== 'free-threaded') {
          const cur = sim.snapshot().switchIntervalNs / 1e9;
          const s = clamp(nextStep(switchIntervalSteps, cur, dir), limits.switchInterval.min, limits.switchInterval.max);
          this.loop.act({ type: 'switchInterval', ns: Math.round(s * 1e9) });
          this.say(`switch interval -> ${fmtSpan(Math.round(s * 1e9))} ${at()}`);
        } else {
          this.say('free-threaded has no GIL, so no interval to change (p cycles the policy)');
        }
        return;
      }
      case 'coreAdd':
      case 'coreRemove': {
        const cur = sim.snapshot().cores.length;
        const cores = clamp(cur + (action === 'coreAdd' ? 1 : -1), limits.cores.min, limits.cores.max);
        if (cores === cur) {
          this.say(`cores stay at ${cur} (${limits.cores.min}-${limits.cores.max})`);
          return;
        }
        this.loop.act({ type: 'cores', cores });
        this.say(`cores -> ${cores} ${at()}`);
        return;
      }
      case 'signal':
        this.loop.act({ type: 'signal' });
        this.say(`SIGINT sent ${at()}: a pending call only the main thread can run`);
        return;
      case 'restart':
        this.restart(this.preset);
        this.say(`restarted ${this.preset.name}`);
        return;
      case 'record':
        if (this.recording !== null && !this.recording.finalized) {
          this.recording.finalize('quit');
          this.say(`recording stopped and written to ${this.recording.file}`);
        } else if (this.setup.startRecording === undefined) {
          this.say('recording is not available here: start with gil-top --record FILE');
        } else {
          try {
            this.recording = this.setup.startRecording(this.driver);
            this.say(`recording to ${this.recording.file} from t=${(this.driver.sim.now / 1e9).toFixed(6)} s (r stops)`);
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            this.say(`cannot record: ${e.message}`);
          }
        }
        return;
      default:
        // The screen's own keys (help, zoom, presets, quit) are handled where they are drawn.
        return;
    }
  }

  /** Playback keys: the user takes over pausing from the recording; the end is announced. */
  private afterPlaybackKey(action: KeyAction): void {
    if (action === 'togglePause' || action === 'stepEvent' || action === 'stepMillisecond') this.heldByRecording = false;
    if (this.player?.done === true && (action === 'stepEvent' || action === 'stepMillisecond' || action === 'togglePause')) {
      this.endShown = false;
      this.checkReplayEnd();
    }
  }

  /** Starts `preset` from the beginning, keeping speed and pause. A recording covers one run. */
  private restart(preset: Preset): void {
    if (this.recording !== null && !this.recording.finalized) this.recording.finalize('quit');
    this.preset = preset;
    this.loop.replace(this.newDriver(this.loop.speed));
  }

  /** Ends the session: finalises a recording in progress; says what is left. */
  close(reason: CloseReason = 'quit'): EngineFinal {
    if (this.recording !== null && !this.recording.finalized) this.recording.finalize(reason);
    return { recorded: this.recording?.file ?? null, nowNs: this.driver.sim.now, replay: this.playback() };
  }

  private playback(): PlaybackState | null {
    const p = this.player;
    return p === null
      ? null
      : { done: p.done, divergence: p.divergence === null ? null : { atNs: p.divergence.atNs, message: p.divergence.message }, samplesChecked: p.samplesChecked, verdict: p.verdict, message: p.describe() };
  }
}


const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
