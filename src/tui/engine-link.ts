import type { CloseReason, EngineCommand, EngineFinal, EngineFrame, EngineSession } from './engine-session.js';

/**
 * The screen's line to the engine: commands go one way, frames come back. In the real program
 * the engine runs in a worker thread (`WorkerEngine`), so a key never waits behind a slice of
 * the engine; tests drive it in the same thread (`LocalEngine`), where every call answers at once.
 */
export interface EngineLink {
  /** Carries out a command; a frame showing its effect follows (at once with LocalEngine). */
  send(c: EngineCommand): void;
  /** The pacer's beat: runs or asks for the next frame. Returns whether a frame came at once. */
  tick(): boolean;
  /** The latest frame. */
  readonly latest: EngineFrame;
  /** Called with every frame; `late` when it arrived on its own (from the worker), not inside send or tick. */
  onFrame: (f: EngineFrame, late: boolean) => void;
  /** Ends the engine, finalising a recording in progress; synchronous, so exit handlers may call it. */
  close(reason?: CloseReason): EngineFinal;
  /** The session itself when it runs in this thread (tests look into it), null in a worker. */
  readonly local: EngineSession | null;
}

/** The engine in this thread: every command and beat is carried out at once. */
export class LocalEngine implements EngineLink {
  latest: EngineFrame;
  onFrame: (f: EngineFrame, late: boolean) => void = () => {};
  private final: EngineFinal | null = null;

  constructor(readonly local: EngineSession) {
    this.latest = local.frame();
  }

  send(c: EngineCommand): void {
    this.local.command(c);
    this.emit();
  }

  tick(): boolean {
    const seq = this.latest.message.seq;
    const moved = this.local.slice();
    if (!moved && this.local.messageSeq === seq) return false;
    this.emit();
    return true;
  }

  private emit(): void {
    this.latest = this.local.frame();
    this.onFrame(this.latest, false);
  }

  close(reason: CloseReason = 'quit'): EngineFinal {
    this.final ??= this.local.close(reason);
    return this.final;
  }
}
