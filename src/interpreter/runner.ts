import type { Engine } from '../engine/engine.js';
import type { Kernel } from '../os/kernel.js';
import type { MachineProfile } from '../os/machine-profile.js';
import { type GilPort, tickCost } from './gil-port.js';
import { type LoopKind, loopKinds } from './loops.js';
import { Ins } from './program.js';
import { Activity, type PyThread } from './py-thread.js';
import type { Connection } from './socket.js';
import { Threading } from './threading.js';

/** What the runner needs from the model around it. */
export interface RunnerHost {
  readonly engine: Engine;
  readonly kernel: Kernel<PyThread>;
  readonly profile: MachineProfile;
  /** The GIL of a thread's process. */
  gilOf(t: PyThread): GilPort;
  /** Records what a thread is doing (for the trace and the timeline). */
  setActivity(t: PyThread, a: Activity): void;
  /** A thread ran the last instruction of its program. */
  threadFinished(t: PyThread): void;
  /** A client finished a request that took `latencyNs`. */
  requestDone(t: PyThread, latencyNs: number): void;
  /** A main thread started `t` (`threading.Thread.start`): it keeps the run alive from now on. */
  threadStarted(t: PyThread): void;
  /**
   * `t` is back in Python holding the GIL: if it is its process's main thread and a signal is
   * pending, it runs the handler now (KeyboardInterrupt).
   */
  handleSignal(t: PyThread): void;
}

/**
 * Executes programs: steps through a thread's instructions, hands Python loops and C calls to the
 * GIL of its process (which runs them, checks included), and performs I/O the way CPython does,
 * releasing the GIL around every blocking call (Py_BEGIN_ALLOW_THREADS) and taking it back
 * afterwards (Py_END_ALLOW_THREADS), whether or not the call blocked.
 */
export class Runner {
  /** Event kinds: bytes arrive at a connection end (target: end), a delayed thread starts (target: thread). */
  private readonly deliver: number;
  private readonly delayedStart: number;
  /** `threading`'s start, join and shutdown. */
  readonly threading: Threading;
  /** Bytes a connection holds unread before a `send` blocks (both buffers; unbounded for a session recorded without them). */
  private readonly bufferBytes: number;

  constructor(
    private readonly host: RunnerHost,
    private readonly threads: readonly PyThread[],
    private readonly ends: readonly Connection[],
  ) {
    this.deliver = host.engine.on((id) => this.onDeliver(id));
    this.delayedStart = host.engine.on((id) => this.start(this.threads[id]));
    this.threading = new Threading(host, (t) => this.launch(t), this.step);
    const b = host.profile.sockets;
    this.bufferBytes = b === undefined ? Infinity : b.sendBufferBytes + b.receiveBufferBytes;
  }

  /** Starts a thread now, or after its start delay. A Python thread first takes its GIL (PyEval_AcquireThread). */
  launch(t: PyThread): void {
    if (t.startNs > 0) this.host.engine.after(t.startNs, this.delayedStart, t.id);
    else this.start(t);
  }

  private start(t: PyThread): void {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: starts${t.python && this.host.gilOf(t).exists ? ' and takes the GIL (PyEval_AcquireThread)' : ''}`);
    this.host.kernel.start(t, this.begin);
  }

  private readonly begin = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: runs for the first time, on cpu${t.core}`);
    if (t.python) this.host.gilOf(t).takeGil(t, this.bootstrapped);
    else this.step(t);
  };

  /** Its bootstrap holds the GIL: it sets `_started` (waking a main thread in `start`), then runs its target. */
  private readonly bootstrapped = (t: PyThread): void => {
    this.threading.notify(t, 'start', this.step);
  };

  /**
   * The default SIGINT handler ran in main thread `t`: KeyboardInterrupt. Its script is over:
   * the loop it was in is abandoned and it goes to the end of its program, where the interpreter
   * joins the non-daemon threads (threading._shutdown) before the process exits.
   */
  keyboardInterrupt(t: PyThread): void {
    const { engine } = this.host;
    if (engine.journal !== null)
      engine.say(t.id, `${t.name}: runs the SIGINT handler: KeyboardInterrupt${t.interrupted ? ' again (the model does not end the process for it)' : ': its script stops where it is'}`);
    t.interrupted = true;
    t.work.ticksLeft = 0;
    t.pc = t.program.code.length;
  }

  // ---- stepping through the program -----------------------------------------------------------

  /** Runs instructions until one takes time (a burst or a sleep); control flow takes none. */
  readonly step = (t: PyThread): void => {
    const code = t.program.code;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (t.pc >= code.length) {
        this.end(t);
        return;
      }
      const ins = code[t.pc++];
      switch (ins.code) {
        case Ins.Loop: {
          const gil = this.host.gilOf(t);
          const kind = loopKinds[ins.kind];
          if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: runs ${kind.name} for ${ins.n.toLocaleString('en-US')} iterations of Python code`);
          t.work.start(kind, ins.n, ticksPerIteration(this.host.profile, kind), ins.shared);
          t.work.nsPerTick = tickCost(this.host.profile, gil, t.work);
          gil.runPython(t);
          return;
        }
        case Ins.CCall:
          if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: calls into C for ${ins.n / 1e3} us${this.host.gilOf(t).exists ? ', holding the GIL' : ''}`);
          this.host.setActivity(t, Activity.CCall);
          this.host.kernel.run(t, ins.n, this.cCallReturned);
          return;
        case Ins.Work:
          if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: computes for ${ins.n / 1e3} us`);
          this.host.setActivity(t, Activity.Work);
          this.host.kernel.run(t, ins.n, this.step);
          return;
        case Ins.Sleep:
        case Ins.Accept:
        case Ins.Connect:
        case Ins.Recv:
        case Ins.Send:
        case Ins.Close:
          this.io(t);
          return;
        case Ins.RepeatBegin:
          t.repeatLeft[ins.depth] = ins.n;
          if (ins.n === 0) t.pc = ins.jump;
          break;
        case Ins.RepeatEnd:
          if (t.repeatLeft[ins.depth] < 0 || --t.repeatLeft[ins.depth] > 0) t.pc = ins.jump + 1;
          break;
        case Ins.RequestBegin:
          t.requestStart = this.host.engine.now;
          break;
        case Ins.Start:
          this.threading.start(t, this.threads[ins.n]);
          return;
        case Ins.Join:
          this.threading.join(t, this.threads[ins.n]);
          return;
        case Ins.RequestEnd:
          if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: request ${t.requests + 1} done in ${((this.host.engine.now - t.requestStart) / 1e6).toFixed(3)} ms`);
          t.requests++;
          this.host.requestDone(t, this.host.engine.now - t.requestStart);
          break;
      }
    }
    throw new Error(`thread ${t.name} loops without doing anything that takes time`);
  };

  private readonly cCallReturned = (t: PyThread): void => {
    this.host.setActivity(t, Activity.Python);
    this.host.gilOf(t).cCallReturned(t);
  };

  /** Goes on with a thread's loop under its process's GIL (whichever it is by then). */
  readonly resumePython = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: goes on with its loop (${t.work.ticksLeft.toLocaleString('en-US')} ticks left)`);
    this.host.gilOf(t).runPython(t);
  };

  /** Goes on with a thread's loop just past a check, under its process's GIL (whichever it is by then). */
  readonly resumeAfterCheck = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: past the check, back in its loop`);
    this.host.gilOf(t).runPython(t, 'afterCheck');
  };

  private end(t: PyThread): void {
    if (!t.python) {
      this.exit(t);
      return;
    }
    if (t.isMain && this.threading.shutdown(t, this.threads)) return;
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: ${t.isMain ? 'its script' : 'its run()'} returns`);
    // Its target returned: with the GIL held it releases its lock (joiners wake), then the GIL.
    this.threading.notify(t, 'join', this.release);
  }

  private readonly release = (t: PyThread): void => {
    if (this.host.engine.journal !== null && this.host.gilOf(t).exists) this.host.engine.say(t.id, `${t.name}: releases the GIL for good`);
    this.host.gilOf(t).dropGil(t, this.exit);
  };

  private readonly exit = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: finishes`);
    this.host.setActivity(t, Activity.Done);
    t.finishedAt = this.host.engine.now;
    this.host.kernel.exit(t);
    this.host.threadFinished(t);
  };

  // ---- I/O ------------------------------------------------------------------------------------

  /** Py_BEGIN_ALLOW_THREADS; the system call; Py_END_ALLOW_THREADS. */
  private io(t: PyThread): void {
    if (t.python && this.host.engine.journal !== null && this.host.gilOf(t).exists) this.host.engine.say(t.id, `${t.name}: releases the GIL for a system call (Py_BEGIN_ALLOW_THREADS)`);
    if (t.python) this.host.gilOf(t).dropGil(t, this.syscall);
    else this.syscall(t);
  }

  private readonly ioDone = (t: PyThread): void => {
    if (t.python && this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: ${this.host.gilOf(t).exists ? 'takes the GIL back (Py_END_ALLOW_THREADS)' : 'back from the system call'}`);
    if (t.python) this.host.gilOf(t).takeGil(t, t.isMain ? this.afterIo : this.step);
    else this.step(t);
  };

  /** A main thread back from I/O holding the GIL: a pending signal's handler first. */
  private readonly afterIo = (t: PyThread): void => {
    this.host.handleSignal(t);
    this.step(t);
  };

  private readonly syscall = (t: PyThread): void => {
    const ins = t.program.code[t.pc - 1];
    const { engine, kernel, profile } = this.host;
    const s = profile.syscalls;
    const c = engine.counters.syscalls;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: ${syscallText(t, ins.code, ins.n, ins.socket, this.bufferBytes)}`);
    this.host.setActivity(t, ins.code === Ins.Sleep ? Activity.Sleep : Activity.Io);
    switch (ins.code) {
      case Ins.Sleep:
        c.clock_nanosleep++;
        kernel.run(t, engine.cost(s.sleepNs), (t) => kernel.blockFor(t, ins.n, this.ioDone));
        return;
      case Ins.Accept: {
        c.accept++;
        const end = t.ends.get(ins.socket)!;
        if (end.connected) kernel.run(t, engine.cost(s.acceptNs), this.ioDone);
        else {
          end.reader = t;
          kernel.block(t, this.acceptWoken);
        }
        return;
      }
      case Ins.Connect:
        c.connect++;
        kernel.run(t, engine.cost(s.connectNs), this.connected);
        return;
      case Ins.Recv: {
        c.recv++;
        const end = t.ends.get(ins.socket)!;
        if (end.inbox.length > 0) kernel.run(t, engine.cost(s.recvNs), this.received);
        else {
          end.reader = t;
          kernel.block(t, this.recvWoken);
        }
        return;
      }
      case Ins.Send: {
        c.send++;
        const end = t.ends.get(ins.socket)!;
        if (end.queued < this.bufferBytes) kernel.run(t, engine.cost(s.sendNs), this.sent);
        else {
          end.writer = t;
          kernel.block(t, this.sendWoken);
        }
        return;
      }
      case Ins.Close:
        c.close++;
        kernel.run(t, engine.cost(s.closeNs), this.closed);
        return;
    }
  };

  private readonly acceptWoken = (t: PyThread): void => {
    const { engine } = this.host;
    if (engine.journal !== null) engine.say(t.id, `${t.name}: back on a core in accept: a connection is there`);
    this.host.kernel.run(t, engine.cost(this.host.profile.syscalls.acceptNs), this.ioDone);
  };

  private readonly connected = (t: PyThread): void => {
    const end = t.ends.get(t.program.code[t.pc - 1].socket)!;
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: connect returns: connected on ${end.socket}`);
    const server = end.peer;
    server.connected = true;
    end.connected = true;
    this.wakeReader(server);
    // The acceptor may preempt this thread on its core: it goes on once it is back on one.
    this.host.kernel.run(t, 0, this.ioDone);
  };

  private readonly recvWoken = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: back on a core in recv on ${t.program.code[t.pc - 1].socket}: a message is there`);
    this.host.kernel.run(t, this.host.engine.cost(this.host.profile.syscalls.recvNs), this.received);
  };

  private readonly received = (t: PyThread): void => {
    const ins = t.program.code[t.pc - 1];
    const end = t.ends.get(ins.socket)!;
    const bytes = end.inbox.shift()!;
    t.lastRecv = bytes;
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: recv returns ${bytes === 0 ? 'the end of file (the peer closed): leaves its loop' : `${bytes} bytes`}`);
    if (bytes === 0) t.pc = ins.jump; // end of file: `if not data: break`
    const from = end.peer;
    from.queued -= bytes;
    const w = from.writer;
    if (w !== null && from.queued < this.bufferBytes) {
      // The writer asleep in send has room again. It may preempt this thread on its core: this
      // one goes on once it is back on one.
      if (this.host.engine.journal !== null) this.host.engine.say(w.id, `${w.name}: ${t.name}'s recv on ${ins.socket} made room in the full buffers: its send goes on`);
      from.writer = null;
      this.host.kernel.wake(w);
      this.host.kernel.run(t, 0, this.ioDone);
    } else this.ioDone(t);
  };

  /** A writer woken in a full `send`: the buffers have room, its bytes go. */
  private readonly sendWoken = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: back on a core in send: the buffers have room`);
    this.host.kernel.run(t, this.host.engine.cost(this.host.profile.syscalls.sendNs), this.sent);
  };

  private readonly sent = (t: PyThread): void => {
    const ins = t.program.code[t.pc - 1];
    const bytes = ins.n >= 0 ? ins.n : t.lastRecv;
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: send returns: ${bytes} bytes on their way over loopback`);
    this.transmit(t.ends.get(ins.socket)!, bytes);
    this.ioDone(t);
  };

  private readonly closed = (t: PyThread): void => {
    if (this.host.engine.journal !== null) this.host.engine.say(t.id, `${t.name}: close returns: the end of file is on its way`);
    this.transmit(t.ends.get(t.program.code[t.pc - 1].socket)!, 0);
    this.ioDone(t);
  };

  private transmit(from: Connection, bytes: number): void {
    from.queued += bytes;
    const to = from.peer;
    to.inFlight.push(bytes);
    this.host.engine.after(this.host.profile.syscalls.loopbackLatencyNs, this.deliver, to.id);
  }

  /** Bytes (or an end of file) arrive at a connection end. */
  private onDeliver(endId: number): void {
    const end = this.ends[endId];
    const { engine } = this.host;
    if (engine.journal !== null) {
      const bytes = end.inFlight[0];
      const to = end.owner?.name ?? 'the other end';
      engine.say(end.reader?.id ?? -1, `${end.socket}: ${bytes === 0 ? 'the end of file' : `${bytes} bytes`} arrive${bytes === 0 ? 's' : ''} for ${to}${end.reader === null ? ' (nobody waits in recv yet)' : ''}`);
    }
    end.inbox.push(end.inFlight.shift()!);
    this.wakeReader(end);
  }

  /** Threads asleep on a socket and what they wait for, in words (for a run that cannot go on). */
  socketWaits(): string[] {
    const out: string[] = [];
    for (const end of this.ends) {
      if (end.writer !== null) out.push(`${end.writer.name} in send on ${end.socket} (${end.queued.toLocaleString('en-US')} bytes unread fill the buffers)`);
      if (end.reader !== null) out.push(`${end.reader.name} in ${end.connected ? 'recv' : 'accept'} on ${end.socket}`);
    }
    return out;
  }

  private wakeReader(end: Connection): void {
    const r = end.reader;
    if (r !== null) {
      end.reader = null;
      this.host.kernel.wake(r);
    }
  }
}

/** A system call in words, for the narration (`bufferBytes`: what a connection holds unread before a send blocks). The GIL's release and re-take around it are said where they happen (io, ioDone). */
function syscallText(t: PyThread, code: number, n: number, socket: string, bufferBytes: number): string {
  const end = t.ends.get(socket);
  switch (code) {
    case Ins.Sleep:
      return `time.sleep(${n / 1e3} us)`;
    case Ins.Accept:
      return `accept on ${socket}${end?.connected ? '' : ': waits for the peer'}`;
    case Ins.Connect:
      return `connect to ${socket}`;
    case Ins.Recv:
      return `recv on ${socket}${end !== undefined && end.inbox.length > 0 ? ': data is there' : ': blocks until data arrives'}`;
    case Ins.Send:
      return `send ${n >= 0 ? n : t.lastRecv} bytes on ${socket}${end !== undefined && end.queued >= bufferBytes ? `: ${end.queued.toLocaleString('en-US')} bytes unread fill the buffers, it blocks until the peer reads` : ''}`;
    default:
      return `close ${socket}`;
  }
}

/** Python 2 ticks per iteration of a loop kind on the profile's interpreter build. */
function ticksPerIteration(profile: MachineProfile, kind: LoopKind): number {
  const ticks = profile.interpreter.py2TicksPerIteration[kind.name];
  if (ticks === undefined) throw new Error(`the machine profile has no ticks per iteration for ${kind.name} (interpreter.py2TicksPerIteration.${kind.name})`);
  return ticks;
}
