import { InputError } from '../config/input-error.js';
import type { Overrides, Preset } from '../config/load.js';
import { limits } from '../config/preset-schema.js';
import { isEngineAction, SessionDriver, type LoggedAction, type SessionAction } from '../session/driver.js';
import { DEFAULT_SPEED, FLAT_OUT, LiveLoop, nextStep, type LiveLoopOptions } from '../session/live-loop.js';
import type { ReplayPlayer } from '../session/replay.js';
import { defaultSampleEveryNs } from '../session/session-file.js';
import { fmtSpan, fmtSpeed } from './format.js';
import { FrameHistory } from './history.js';
import { bindingFor, runChangingActions, type KeyAction, type KeyPress } from './keymap.js';
import { TimelineModel } from './timeline-model.js';
import { buildView, timelineColumns, type Overlay, type ViewModel } from './view-model.js';
import { type TraceBuffer, policyNames } from '../model/index.js';

/** Check intervals `i`/`I` step through, ticks. */
export const checkIntervalSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 100_000, 1_000_000];
/** Switch intervals `i`/`I` step through, seconds. */
export const switchIntervalSteps = [1e-6, 1e-5, 1e-4, 2e-4, 5e-4, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5, 1, 10];
/** Timeline spans `[`/`]` step through, ns. */
export const timelineSpans = [1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9];
export const DEFAULT_TIMELINE_NS = 2e7;

/** A recording in progress, as the dashboard sees it (SessionRecorder fits). */
export interface ActiveRecording {
  readonly file: string;
  finalize(reason?: 'quit' | 'finished'): unknown;
  readonly finalized: boolean;
}

/** How the dashboard starts. */
export interface DashboardSetup {
  preset: Preset;
  overrides?: Overrides;
  speed?: number;
  /** Presets for the picker (loaded when first shown). */
  listPresets?: () => Preset[];
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
}

/**
 * The dashboard's state outside React: the live loop over the current run, what the screen
 * remembers between frames, and the overlays. Keys become actions here, and every change to
 * the run goes through the driver (so that the session log and a recording see it).
 */
export class DashboardController {
  readonly loop: LiveLoop;
  preset: Preset;
  overrides: Overrides;
  overlay: Overlay = { kind: 'none' };
  message = '';
  timelineNs = DEFAULT_TIMELINE_NS;
  quitRequested = false;
  recording: ActiveRecording | null = null;
  private trace!: TraceBuffer;
  private history = new FrameHistory();
  private timeline: TimelineModel | null = null;
  private presetsCache: Preset[] | null = null;
  /** The recording played back, null for a live run. */
  readonly player: ReplayPlayer | null;
  /** The playback is held at a pause of the recording (a recorded resume lifts it). */
  private heldByRecording = false;
  /** The end of the playback has been announced. */
  private endShown = false;

  constructor(readonly setup: DashboardSetup) {
    this.player = setup.replay ?? null;
    this.preset = this.player?.preset ?? setup.preset;
    this.overrides = { ...(setup.overrides ?? {}) };
    this.loop = new LiveLoop(this.newDriver(), setup.speed ?? DEFAULT_SPEED, setup.loop, this.player);
    if (setup.startPaused) this.loop.pause();
    this.message = `${this.preset.title}`;
    const p = this.player;
    if (p !== null) {
      p.stopAtPause = true;
      p.driver.addListener({ onAction: (e) => this.onRecordedAction(e) });
      const n = p.schedule.length;
      this.message = `replaying ${p.session.file} (recorded ${p.session.header.createdAt}): ${n} action${n === 1 ? '' : 's'}, ${p.session.samples.length} samples; read-only`;
      this.checkReplayEnd();
    }
  }

  get driver(): SessionDriver {
    return this.loop.driver;
  }

  /** A recorded action took effect in the playback (the loop logs nothing while replaying). */
  private onRecordedAction(e: LoggedAction): void {
    const at = `at t=${(e.atNs / 1e9).toFixed(6)} s`;
    const a = e.action;
    if (a.type === 'pause') {
      if (this.loop.paused) return;
      this.loop.pause();
      this.heldByRecording = true;
      this.message = `the recording paused here, ${at}: space continues the playback`;
    } else if (a.type === 'resume') {
      if (!this.heldByRecording) return;
      this.heldByRecording = false;
      this.loop.resume();
      this.message = `the recording resumed ${at}`;
    } else if (a.type === 'speed') {
      this.loop.setSpeed(a.speed);
      this.message = `the recording set the speed to ${fmtSpeed(a.speed, FLAT_OUT)} ${at}`;
    } else if (isEngineAction(a)) this.message = `recorded: ${describeAction(a)} ${at}`;
  }

  /** Announces the end of a playback once: complete and matching, or where it diverged. */
  private checkReplayEnd(): void {
    const p = this.player;
    if (p === null || this.endShown || !p.done) return;
    this.endShown = true;
    const d = p.divergence;
    this.message =
      d === null
        ? `replay complete: matches the recording (${p.samplesChecked} samples${p.session.end === null ? '' : ' and the final summary'}, ${p.nextAction} actions) at t=${(this.driver.sim.now / 1e9).toFixed(6)} s`
        : `replay diverges at t=${(d.atNs / 1e9).toFixed(6)} s: ${d.message}`;
  }

  private newDriver(): SessionDriver {
    if (this.player !== null) {
      const d = this.player.driver;
      this.trace = d.sim.enableTrace();
      return d;
    }
    const d = new SessionDriver(this.preset, this.overrides, defaultSampleEveryNs);
    this.trace = d.sim.enableTrace();
    this.history = new FrameHistory();
    this.timeline = null;
    if (this.setup.record !== undefined && (this.recording === null || !this.recording.finalized)) this.recording = this.setup.record(d);
    return d;
  }

  /** Runs the engine for one slice of wall time; returns whether the run moved. */
  slice(): boolean {
    const sim = this.driver.sim;
    const [now, events] = [sim.now, sim.events];
    this.loop.slice();
    // Time can move without an event (a quiet stretch in slow motion): that must redraw too.
    const moved = sim.now !== now || sim.events !== events;
    if (this.driver.sim.finished && this.recording !== null && !this.recording.finalized) {
      this.recording.finalize('finished');
      this.message = `run finished; recording written to ${this.recording.file}`;
    }
    this.checkReplayEnd();
    return moved;
  }

  /** The frame for a terminal of `width` x `height` lines. */
  view(width: number, height: number, wallMs = performance.now()): ViewModel {
    const snap = this.driver.sim.snapshot();
    this.history.push(snap, wallMs);
    const columns = timelineColumns(width);
    if (this.timeline === null || this.timeline.columns !== columns || this.timeline.windowNs !== this.timelineNs) this.timeline = new TimelineModel(snap.threads.length, this.timelineNs, columns, this.trace);
    this.timeline.consume(this.trace);
    return buildView({
      width,
      height,
      preset: this.preset.name,
      description: this.preset.description,
      seed: this.driver.sim.seed,
      snap,
      base: this.history.base(),
      speed: this.loop.speed,
      paused: this.loop.paused,
      recording: this.recording !== null && !this.recording.finalized,
      timeline: { rows: this.timeline.rows(snap.now), windowNs: this.timelineNs },
      switchRate: this.history.switchRate,
      latencyMs: this.history.latencyMs,
      message: this.message,
      overlay: this.overlay,
      replay: this.player === null ? undefined : { done: this.player.done, divergence: this.player.divergence },
    });
  }

  /** Handles a key press; returns true if it changed anything. */
  key(k: KeyPress): boolean {
    if (this.overlay.kind === 'presets') return this.pickerKey(k);
    if (k.escape && this.overlay.kind === 'help') {
      this.overlay = { kind: 'none' };
      return true;
    }
    const b = bindingFor(k);
    if (b === undefined) return false;
    if (this.player !== null && runChangingActions.has(b.action)) {
      this.message = `replay: read-only (${k.input} would change the run; space, + -, . , [ ] ? and q work)`;
      return true;
    }
    this.run(b.action);
    if (this.player !== null) this.afterPlaybackKey(b.action);
    return true;
  }

  /** Carries out a keymap action. */
  run(action: KeyAction): void {
    const sim = this.driver.sim;
    const at = () => `at t=${(sim.now / 1e9).toFixed(6)} s`;
    switch (action) {
      case 'quit':
        this.quitRequested = true;
        return;
      case 'help':
        this.overlay = this.overlay.kind === 'help' ? { kind: 'none' } : { kind: 'help' };
        return;
      case 'togglePause':
        this.loop.togglePause();
        this.message = this.loop.paused ? `paused ${at()} (. steps an event, , a millisecond)` : `resumed ${at()}`;
        return;
      case 'stepEvent': {
        const ok = this.loop.stepEvent();
        this.message = ok ? `stepped one event: now ${at()}, event ${sim.events}` : 'nothing left to step: the run is over';
        return;
      }
      case 'stepMillisecond':
        this.loop.stepMillisecond();
        this.message = `stepped 1 ms: now ${at()}`;
        return;
      case 'faster':
      case 'slower': {
        const s = this.loop.stepSpeed(action === 'faster' ? 1 : -1);
        this.message = `speed ${fmtSpeed(s, FLAT_OUT)}${s >= FLAT_OUT ? ' (as fast as the engine runs)' : ' (simulated time per wall second)'}`;
        return;
      }
      case 'cyclePolicy': {
        const next = policyNames[(policyNames.indexOf(sim.policy) + 1) % policyNames.length];
        this.loop.act({ type: 'policy', policy: next });
        this.message = `policy -> ${next} ${at()}`;
        return;
      }
      case 'intervalDown':
      case 'intervalUp': {
        const dir = action === 'intervalUp' ? 1 : -1;
        if (sim.policy === 'py2') {
          const cur = this.driver.sim.snapshot().checkInterval;
          const ticks = clamp(nextStep(checkIntervalSteps, cur, dir), limits.checkInterval.min, limits.checkInterval.max);
          this.loop.act({ type: 'checkInterval', ticks });
          this.message = `check interval -> ${ticks} ticks ${at()}`;
        } else if (sim.policy === 'py3') {
          const cur = this.driver.sim.snapshot().switchIntervalNs / 1e9;
          const s = clamp(nextStep(switchIntervalSteps, cur, dir), limits.switchInterval.min, limits.switchInterval.max);
          this.loop.act({ type: 'switchInterval', ns: Math.round(s * 1e9) });
          this.message = `switch interval -> ${fmtSpan(Math.round(s * 1e9))} ${at()}`;
        } else {
          this.message = 'free-threaded has no GIL, so no interval to change (p cycles the policy)';
        }
        return;
      }
      case 'coreAdd':
      case 'coreRemove': {
        const cur = this.driver.sim.snapshot().cores.length;
        const cores = clamp(cur + (action === 'coreAdd' ? 1 : -1), limits.cores.min, limits.cores.max);
        if (cores === cur) {
          this.message = `cores stay at ${cur} (${limits.cores.min}-${limits.cores.max})`;
          return;
        }
        this.loop.act({ type: 'cores', cores });
        this.message = `cores -> ${cores} ${at()}`;
        return;
      }
      case 'signal':
        this.loop.act({ type: 'signal' });
        this.message = `SIGINT sent ${at()}: a pending call only the main thread can run`;
        return;
      case 'zoomIn':
      case 'zoomOut':
        this.timelineNs = nextStep(timelineSpans, this.timelineNs, action === 'zoomOut' ? 1 : -1);
        this.message = `timeline shows the last ${fmtSpan(this.timelineNs)}`;
        return;
      case 'restart':
        this.restart(this.preset);
        this.message = `restarted ${this.preset.name}`;
        return;
      case 'presets': {
        const list = this.presets();
        const selected = Math.max(0, list.findIndex((p) => p.name === this.preset.name));
        this.overlay = { kind: 'presets', names: list.map((p) => p.name), titles: list.map((p) => p.title), selected };
        return;
      }
      case 'record':
        if (this.recording !== null && !this.recording.finalized) {
          this.recording.finalize('quit');
          this.message = `recording stopped and written to ${this.recording.file}`;
        } else if (this.setup.startRecording === undefined) {
          this.message = 'recording is not available here: start with gil-top --record FILE';
        } else {
          try {
            this.recording = this.setup.startRecording(this.driver);
            this.message = `recording to ${this.recording.file} from t=${(this.driver.sim.now / 1e9).toFixed(6)} s (r stops)`;
          } catch (e) {
            if (!(e instanceof InputError)) throw e;
            this.message = `cannot record: ${e.message}`;
          }
        }
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

  private presets(): Preset[] {
    this.presetsCache ??= this.setup.listPresets?.() ?? [this.preset];
    return this.presetsCache;
  }

  private pickerKey(k: KeyPress): boolean {
    const o = this.overlay;
    if (o.kind !== 'presets') return false;
    if (k.escape || k.input === 'q' || k.input === 'l') this.overlay = { kind: 'none' };
    else if (k.upArrow || k.input === 'k') this.overlay = { ...o, selected: Math.max(0, o.selected - 1) };
    else if (k.downArrow || k.input === 'j') this.overlay = { ...o, selected: Math.min(o.names.length - 1, o.selected + 1) };
    else if (k.return) {
      const p = this.presets()[o.selected];
      this.overlay = { kind: 'none' };
      // A new preset starts from its own settings, not the command line's.
      this.overrides = { seed: this.overrides.seed };
      this.restart(p);
      this.message = `loaded ${p.name}: ${p.title}`;
    } else if (k.ctrl && k.input === 'c') this.quitRequested = true;
    else return false;
    return true;
  }

  /** Starts `preset` from the beginning, keeping speed and pause. A recording covers one run. */
  private restart(preset: Preset): void {
    if (this.recording !== null && !this.recording.finalized) this.recording.finalize('quit');
    this.preset = preset;
    this.loop.replace(this.newDriver());
  }

  /** Ends the session: finalises a recording in progress. */
  close(): void {
    if (this.recording !== null && !this.recording.finalized) this.recording.finalize('quit');
  }
}

/** An engine action in words, as the message line shows it. */
function describeAction(a: SessionAction): string {
  switch (a.type) {
    case 'policy':
      return `policy -> ${a.policy}`;
    case 'checkInterval':
      return `check interval -> ${a.ticks} ticks`;
    case 'switchInterval':
      return `switch interval -> ${fmtSpan(a.ns)}`;
    case 'cores':
      return `cores -> ${a.cores}`;
    case 'signal':
      return 'SIGINT sent';
    default:
      return a.type;
  }
}

const clamp = (v: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, v));
