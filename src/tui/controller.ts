import type { Preset } from '../config/load.js';
import type { Snapshot } from '../model/index.js';
import type { SessionDriver } from '../session/driver.js';
import type { LiveLoop } from '../session/live-loop.js';
import { LocalEngine, type EngineLink } from './engine-link.js';
import { EngineSession, type CloseReason, type EngineFinal, type EngineFrame, type EngineSetup } from './engine-session.js';
import { helpVisibleRows } from './components/help-overlay.js';
import { describeFor } from './descriptions.js';
import { EventLog } from './event-log.js';
import { fmtSpan } from './format.js';
import { helpRows } from './help-view.js';
import { FrameHistory, rateWindowNs } from './history.js';
import { bindingFor, runChangingActions, type KeyAction, type KeyPress } from './keymap.js';
import { TimelineModel } from '../session/timeline-model.js';
import { SliceFeed } from './trace-slice.js';
import { buildView, timelineColumns, type Overlay, type ViewInput, type ViewModel } from './view-model.js';
import { nextStep } from '../session/live-loop.js';
import { BackgroundCompare } from '../session/parallel-compare.js';
import { runParallel, type ParallelOptions, type ParallelOutcome } from '../session/parallel.js';
import type { RunJob } from '../session/parallel-job.js';
import { policyNames } from '../model/index.js';
import { compareViewModel } from './components/compare-view.js';

export { checkIntervalSteps, switchIntervalSteps, type ActiveRecording } from './engine-session.js';

/** Timeline spans `[`/`]` step through, ns (10 µs: a py2 check period spans a few columns in slow motion). */
export const timelineSpans = [1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2e8, 5e8, 1e9];
export const DEFAULT_TIMELINE_NS = 2e7;

/** How the dashboard starts. */
export interface DashboardSetup extends EngineSetup {
  /** Presets for the picker (loaded when first shown). */
  listPresets?: () => Preset[];
  /**
   * The engine to draw (the dashboard command's worker, already started on this setup's run);
   * absent, an EngineSession runs in this thread from this setup.
   */
  engine?: EngineLink;
  /** Runs the compare view's jobs (default: the parallel runner, on worker threads). */
  compareRunner?: (jobs: RunJob[], opts: ParallelOptions) => Promise<ParallelOutcome>;
}

/** Keys the screen carries out itself; every other key goes to the engine. */
const screenActions: ReadonlySet<KeyAction> = new Set<KeyAction>(['quit', 'help', 'zoomIn', 'zoomOut', 'presets', 'eventLog', 'compare']);

/** Terminal rows from which the event log shows without being asked (there is room for it). */
export const LOG_AUTO_ROWS = 50;

/**
 * The dashboard's screen side: what the screen remembers between frames (the rate window, the
 * charts, the timeline), the overlays and the message line. Keys that change or pace the run
 * go to the engine (its worker, or an EngineSession in this thread), which answers with frames.
 */
export class DashboardController {
  readonly engine: EngineLink;
  preset: Preset;
  overlay: Overlay = { kind: 'none' };
  message = '';
  timelineNs = DEFAULT_TIMELINE_NS;
  quitRequested = false;
  /** Called when a frame arrived on its own (from the worker): the app redraws. */
  onChange: () => void = () => {};
  /** Playing a recording back (read-only). */
  readonly replaying: boolean;
  private history = new FrameHistory();
  private timeline: TimelineModel | null = null;
  private readonly feed = new SliceFeed();
  /** Timeline columns for the width last drawn, and the most rows its height has room for. */
  private columns = 0;
  private rows = 0;
  private runSeen = -1;
  private messageSeq = -1;
  private presetsCache: Preset[] | null = null;
  private final: EngineFinal | null = null;
  /** The compare view's comparison (the last one started), null before the first. */
  private comparison: BackgroundCompare | null = null;
  /** Event log shown (null: shown when the terminal has room, LOG_AUTO_ROWS rows or more). */
  logShown: boolean | null = null;
  /** The journal's sentences the engine sent, the last few. */
  private log = new EventLog();
  /** Rows of the terminal last drawn. */
  private lastRows = 0;
  /** The run whose end has been shown (the card comes once per run). */
  private endSeen = -1;

  constructor(readonly setup: DashboardSetup) {
    this.engine = setup.engine ?? new LocalEngine(new EngineSession(setup));
    this.replaying = setup.replay !== undefined || this.engine.latest.replay !== null;
    this.preset = setup.replay?.preset ?? setup.preset;
    this.engine.onFrame = (f, late) => {
      this.take(f);
      if (late) this.onChange();
    };
    this.take(this.engine.latest);
  }

  /** The in-process session (tests); throws when the engine runs in a worker. */
  private get session(): EngineSession {
    const s = this.engine.local;
    if (s === null) throw new Error('the engine runs in a worker thread: its driver is not reachable from the screen');
    return s;
  }

  /** The run's driver (the engine in this thread only). */
  get driver(): SessionDriver {
    return this.session.driver;
  }

  /** The live loop (the engine in this thread only). */
  get loop(): LiveLoop {
    return this.session.loop;
  }

  /** The latest frame from the engine. */
  get frame(): EngineFrame {
    return this.engine.latest;
  }

  /** The file of the session's last recording, if any (finished or still going). */
  get recordedFile(): string | null {
    return this.final?.recorded ?? this.engine.latest.recorded;
  }

  /** Reads a frame: a new run starts the screen's memory afresh; the trace goes to the timeline. */
  private take(f: EngineFrame): void {
    if (f.run !== this.runSeen) {
      this.runSeen = f.run;
      this.history = new FrameHistory();
      this.log = new EventLog();
      if (this.overlay.kind === 'end') this.overlay = { kind: 'none' };
    }
    this.history.push(f.snap, rateWindowNs(f.speed));
    this.log.add(f.journal.entries);
    // The end of a run: its card, once (Esc closes it; R, p then R, or l go on).
    if (f.end !== null && this.endSeen !== f.run) {
      this.endSeen = f.run;
      if (this.overlay.kind === 'none') this.overlay = { kind: 'end' };
    }
    if (f.trace.fresh) this.timeline = this.columns > 0 ? new TimelineModel(Math.min(f.snap.threads.length, this.rows), this.timelineNs, this.columns) : null;
    if (this.timeline !== null) this.timeline.consume(this.feed.load(f.trace));
    if (f.message.seq !== this.messageSeq) {
      this.messageSeq = f.message.seq;
      this.message = f.message.text;
    }
  }

  /** The pacer's beat: the engine runs a slice (or is asked for a frame); returns whether to redraw now. */
  tick(): boolean {
    return this.engine.tick();
  }

  /** Runs the engine for one slice of wall time (the engine in this thread); returns whether anything changed. */
  slice(): boolean {
    return this.tick();
  }

  /** Asks the engine for the whole trace again, cut to what a timeline of the current span and size shows. */
  private restartTimeline(): void {
    // Twice the span: the window's first bucket starts up to one bucket before it.
    this.engine.send({ type: 'timeline', keepNs: 2 * this.timelineNs, keepThreads: this.rows });
  }

  /** Whether the event log is shown (by choice, or because the terminal has room). */
  get logVisible(): boolean {
    return this.logShown ?? this.lastRows >= LOG_AUTO_ROWS;
  }

  /** The frame for a terminal of `width` x `height` lines. */
  view(width: number, height: number): ViewModel {
    this.lastRows = height + 1;
    // The log needs the model's journal, which costs the engine: asked for once it shows.
    if (this.logVisible && this.engine.latest.journal.available === null) this.engine.send({ type: 'journal' });
    // Rows past the terminal's height never show: a thousand threads cost what fits.
    const columns = timelineColumns(width);
    if (columns !== this.columns || height !== this.rows) {
      this.columns = columns;
      this.rows = height;
      this.restartTimeline();
    }
    const f = this.engine.latest;
    const snap = f.snap;
    const t = this.timeline;
    // Threads of one process share its GIL (none without one, and actors take none).
    const gilGroups = snap.policy === 'free-threaded' ? [] : snap.threads.map((th) => (th.python ? snap.processes.findIndex((p) => p.name === th.process) : -1));
    const log: ViewInput['log'] = this.logVisible ? { entries: this.log.last(height), available: f.journal.available !== false } : undefined;
    return buildView({
      width,
      height,
      preset: this.preset.name,
      description: describeFor(this.preset, snap.policy),
      seed: f.seed,
      snap,
      base: this.history.base(),
      speed: f.speed,
      paused: f.paused,
      deadlocked: f.deadlocked,
      recording: f.recording !== null,
      timeline: t === null ? { rows: [], windowNs: this.timelineNs } : { rows: t.rows(snap.now, gilGroups), windowNs: t.windowNs },
      switchRate: this.history.switchRate,
      latencyMs: this.history.latencyMs,
      message: this.message,
      overlay: this.overlay.kind === 'compare' && this.comparison !== null ? { kind: 'compare', view: compareViewModel(this.comparison, width - 4, height - 6) } : this.overlay,
      replay: f.replay === null ? undefined : { done: f.replay.done, divergence: f.replay.divergence },
      log,
      end: f.end === null ? undefined : { ...f.end, preset: this.preset },
    });
  }

  /** Handles a key press; returns true if the screen should redraw now. */
  key(k: KeyPress): boolean {
    if (this.overlay.kind === 'presets') return this.pickerKey(k);
    if (k.escape && (this.overlay.kind === 'help' || this.overlay.kind === 'end' || this.overlay.kind === 'compare')) {
      this.overlay = { kind: 'none' };
      return true;
    }
    if (this.overlay.kind === 'help' && this.helpScrollKey(k)) return true;
    const b = bindingFor(k);
    if (b === undefined) return false;
    if (this.replaying && runChangingActions.has(b.action)) {
      this.message = `replay: read-only (${k.input} would change the run; space, + -, . , [ ] ? and q work)`;
      return true;
    }
    return this.run(b.action);
  }

  /** Scrolls the help (arrows, j/k, PgUp/PgDn); returns whether the key was one of those. */
  private helpScrollKey(k: KeyPress): boolean {
    if (this.overlay.kind !== 'help') return false;
    // The help box is the body: the terminal less header, message, footer and the line kept free.
    const visible = helpVisibleRows(this.lastRows - 4);
    const page = Math.max(1, visible - 1);
    const dir = k.downArrow || k.input === 'j' ? 1 : k.upArrow || k.input === 'k' ? -1 : k.pageDown ? page : k.pageUp ? -page : 0;
    if (dir === 0) return false;
    const max = Math.max(0, helpRows().length - visible);
    this.overlay = { kind: 'help', scroll: Math.max(0, Math.min(max, this.overlay.scroll + dir)) };
    return true;
  }

  /**
   * Carries out a keymap action; returns true if the screen should redraw now. What the engine
   * does comes back in a frame: at once from an engine in this thread, a moment later from the
   * worker (which redraws then; drawing before it would only delay it).
   */
  run(action: KeyAction): boolean {
    const now = this.engine.local !== null;
    if (!screenActions.has(action)) {
      this.engine.send({ type: 'key', action });
      return now;
    }
    switch (action) {
      case 'quit':
        this.quitRequested = true;
        return true;
      case 'help':
        this.overlay = this.overlay.kind === 'help' ? { kind: 'none' } : { kind: 'help', scroll: 0 };
        return true;
      case 'compare':
        if (this.overlay.kind === 'compare') this.overlay = { kind: 'none' };
        else this.openCompare();
        return true;
      case 'eventLog':
        this.logShown = !this.logVisible;
        if (this.logShown && this.engine.latest.journal.available === null) this.engine.send({ type: 'journal' });
        this.message = !this.logShown
          ? 'event log off (e shows it)'
          : this.engine.latest.journal.available === false
            ? 'event log on, but this run has no journal: nothing to narrate'
            : 'event log on: what happens, in words (. steps one event and names it)';
        return true;
      case 'zoomIn':
      case 'zoomOut':
        this.timelineNs = nextStep(timelineSpans, this.timelineNs, action === 'zoomOut' ? 1 : -1);
        this.message = `timeline shows the last ${fmtSpan(this.timelineNs)}`;
        // The timeline comes back with the engine's resend of the trace.
        this.restartTimeline();
        return now;
      case 'presets': {
        const list = this.presets();
        const selected = Math.max(0, list.findIndex((p) => p.name === this.preset.name));
        this.overlay = { kind: 'presets', names: list.map((p) => p.name), titles: list.map((p) => p.title), selected };
        return true;
      }
      default:
        return false;
    }
  }

  /**
   * Opens the compare view on the current preset and settings (cores, intervals, seed as they
   * are now), starting its runs in the background unless the last comparison was of the same.
   */
  private openCompare(): void {
    const f = this.engine.latest;
    const overrides = { cores: f.snap.cores.length, checkInterval: f.snap.checkInterval, switchInterval: f.snap.switchIntervalNs / 1e9, seed: f.seed };
    if (this.comparison === null || !this.comparison.matches(this.preset, overrides)) {
      this.comparison?.stop();
      this.comparison = new BackgroundCompare(this.preset, policyNames, overrides, () => this.onChange(), this.setup.compareRunner ?? runParallel);
    }
    this.overlay = { kind: 'compare', view: null };
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
      this.preset = p;
      this.engine.send({ type: 'load', preset: p });
    } else if (k.ctrl && k.input === 'c') this.quitRequested = true;
    else return false;
    return true;
  }

  /** Ends the session: finalises a recording in progress (synchronously); says what is left. */
  close(reason: CloseReason = 'quit'): EngineFinal {
    this.comparison?.stop();
    this.final ??= this.engine.close(reason);
    return this.final;
  }
}
