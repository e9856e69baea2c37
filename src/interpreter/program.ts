/**
 * Programs: what a Python thread or an outside actor does, as a preset writes it, and the flat
 * instruction list the runner executes (no allocation, no recursion while running).
 */

/** One operation of a program, as written in a preset. Durations are in microseconds. */
export type OpSpec =
  /**
   * A Python loop holding the GIL: `iterations` of a loop kind (`countdown`, `fib`); with `shared`,
   * every iteration also touches that object, shared by the process's threads (a counter, a dict
   * store, a list append).
   */
  | { op: 'loop'; kind: string; iterations: number; shared?: string }
  /** A C call that holds the GIL and has no check point (Python threads only). */
  | { op: 'ccall'; us: number }
  /** CPU work outside any interpreter (actors only: a client's own processing). */
  | { op: 'work'; us: number }
  /** `time.sleep`: releases the GIL for the duration. */
  | { op: 'sleep'; us: number }
  /** `accept` on a listening socket: waits for the peer's `connect`. */
  | { op: 'accept'; socket: string }
  /** `connect` to the socket's acceptor. */
  | { op: 'connect'; socket: string }
  /** `recv`: waits for data; an end of file (the peer closed) breaks the innermost `repeat`. */
  | { op: 'recv'; socket: string }
  /** `send` (`sendall`) of `bytes`, or, without `bytes`, of what the last `recv` returned (an echo). */
  | { op: 'send'; socket: string; bytes?: number }
  /** `close`: the peer's next `recv` returns an end of file. */
  | { op: 'close'; socket: string }
  /** Repeats `body` `times` times, or until a `recv` sees an end of file (`"forever"`). */
  | { op: 'repeat'; times: number | 'forever'; body: OpSpec[] }
  /** A request whose latency (from its start to its end) is measured. */
  | { op: 'request'; body: OpSpec[] };

/** Instruction codes of a compiled program. */
export const Ins = {
  Loop: 0,
  CCall: 1,
  Work: 2,
  Sleep: 3,
  Accept: 4,
  Connect: 5,
  Recv: 6,
  Send: 7,
  Close: 8,
  RepeatBegin: 9,
  RepeatEnd: 10,
  RequestBegin: 11,
  RequestEnd: 12,
  /** `threading.Thread(...).start()` of thread `n` (a main thread's program, built by the model). */
  Start: 13,
  /** `threading.Thread.join()` of thread `n`. */
  Join: 14,
} as const;
export type InsCode = (typeof Ins)[keyof typeof Ins];

/** One instruction of a compiled program. */
export interface Instruction {
  code: InsCode;
  /** Loop: its kind name. */
  kind: string;
  /** Loop: iterations; CCall/Work/Sleep: ns; Send: bytes (-1: echo); RepeatBegin: count (-1: forever); Start/Join: a thread id. */
  n: number;
  /** Socket name, for socket operations. */
  socket: string;
  /** Loop: the shared object every iteration touches ('' for none). */
  shared: string;
  /**
   * RepeatBegin: index just past the matching RepeatEnd; RepeatEnd: index of its RepeatBegin;
   * Recv: where an end of file goes (just past its innermost repeat).
   */
  jump: number;
  /** RepeatBegin/RepeatEnd: nesting depth (index into the thread's loop counters); Recv: repeats around it. */
  depth: number;
}

/** A program ready to run: instructions and how deep its repeats nest. */
export interface CompiledProgram {
  code: Instruction[];
  maxDepth: number;
}

/** Microseconds (as presets write them) to integer nanoseconds. */
export function usToNs(us: number): number {
  return Math.round(us * 1000);
}

/** An instruction of `code` with `fields` set and every other field empty. */
function ins(code: InsCode, fields: Partial<Instruction> = {}): Instruction {
  return { code, kind: '', n: 0, socket: '', shared: '', jump: -1, depth: -1, ...fields };
}

/** Flattens a program's nested repeats into jumps. */
export function compileProgram(ops: OpSpec[]): CompiledProgram {
  const code: Instruction[] = [];
  let maxDepth = 0;
  const emit = (list: OpSpec[], depth: number) => {
    for (const op of list) {
      switch (op.op) {
        case 'loop':
          code.push(ins(Ins.Loop, { kind: op.kind, n: op.iterations, shared: op.shared ?? '' }));
          break;
        case 'ccall':
          code.push(ins(Ins.CCall, { n: usToNs(op.us) }));
          break;
        case 'work':
          code.push(ins(Ins.Work, { n: usToNs(op.us) }));
          break;
        case 'sleep':
          code.push(ins(Ins.Sleep, { n: usToNs(op.us) }));
          break;
        case 'accept':
          code.push(ins(Ins.Accept, { socket: op.socket }));
          break;
        case 'connect':
          code.push(ins(Ins.Connect, { socket: op.socket }));
          break;
        case 'recv':
          code.push(ins(Ins.Recv, { socket: op.socket, depth }));
          break;
        case 'send':
          code.push(ins(Ins.Send, { socket: op.socket, n: op.bytes ?? -1 }));
          break;
        case 'close':
          code.push(ins(Ins.Close, { socket: op.socket }));
          break;
        case 'request':
          code.push(ins(Ins.RequestBegin));
          emit(op.body, depth);
          code.push(ins(Ins.RequestEnd));
          break;
        case 'repeat': {
          const begin = code.length;
          maxDepth = Math.max(maxDepth, depth + 1);
          code.push(ins(Ins.RepeatBegin, { n: op.times === 'forever' ? -1 : op.times, depth }));
          emit(op.body, depth + 1);
          code.push(ins(Ins.RepeatEnd, { jump: begin, depth }));
          code[begin].jump = code.length;
          break;
        }
      }
    }
  };
  emit(ops, 0);
  // An end of file seen by a recv leaves its innermost repeat (or ends the program).
  code.forEach((r, i) => {
    if (r.code !== Ins.Recv) return;
    r.jump = code.length;
    for (let j = i + 1; j < code.length; j++) {
      if (code[j].code === Ins.RepeatEnd && code[j].depth === r.depth - 1) {
        r.jump = j + 1;
        break;
      }
    }
  });
  return { code, maxDepth };
}

/**
 * The program of a main thread the model adds to a process with threads and no main thread of
 * its own (the script the article runs): start each thread, in order, then join the non-daemon
 * ones (`t1.start(); t2.start(); t1.join(); t2.join()`).
 */
export function mainProgram(threads: readonly { id: number; daemon: boolean }[]): CompiledProgram {
  return {
    code: [...threads.map((t) => ins(Ins.Start, { n: t.id })), ...threads.filter((t) => !t.daemon).map((t) => ins(Ins.Join, { n: t.id }))],
    maxDepth: 0,
  };
}

/** Sockets a program uses, by role: the ones it accepts on and the ones it connects to. */
export function socketRoles(ops: OpSpec[]): { accepts: string[]; connects: string[]; uses: string[] } {
  const accepts: string[] = [];
  const connects: string[] = [];
  const uses: string[] = [];
  const walk = (list: OpSpec[]) => {
    for (const op of list) {
      if (op.op === 'accept') accepts.push(op.socket);
      else if (op.op === 'connect') connects.push(op.socket);
      else if (op.op === 'recv' || op.op === 'send' || op.op === 'close') uses.push(op.socket);
      else if (op.op === 'repeat' || op.op === 'request') walk(op.body);
    }
  };
  walk(ops);
  return { accepts, connects, uses };
}
