/**
 * The Python loops a thread can run, described by their bytecode. What an iteration costs, and
 * how many Python 2 ticks it counts, belong to the machine (its interpreter's speed and how that
 * interpreter was built: the profile's `interpreter.nsPerIteration` and
 * `interpreter.py2TicksPerIteration`); what is here is the loop's shape, the same everywhere.
 *
 * Python 2 ticks: `_Py_Ticker` is decremented by every opcode that goes round the top of
 * PyEval_EvalFrameEx's loop. Opcodes that end in FAST_DISPATCH (LOAD_FAST, LOAD_CONST,
 * STORE_FAST, POP_JUMP_IF_FALSE on a bool, ...) skip it. Whether a predicted opcode skips it
 * depends on the build: with computed gotos (the default of gcc builds of 2.7, and of the pyenv
 * 2.7.18 measured here) PREDICT() is off, so COMPARE_OP ticks on its own; in a switch build (2.6,
 * or 2.7 built without computed gotos) COMPARE_OP jumps straight to the predicted jump. So the
 * countdown below counts 3 ticks per iteration in a computed-goto 2.7 (COMPARE_OP,
 * INPLACE_SUBTRACT, JUMP_ABSOLUTE; measured, calibrate/probes/ticks.py) and 2 in a switch build.
 * Python 3 counts no ticks; the loop's work is still counted in Python 2 ticks, a unit that
 * divides an iteration where its check points fall.
 */
export interface LoopKind {
  /** Name used in presets and in the profile's cost tables. */
  readonly name: string;
  /** One line on the Python code this stands for. */
  readonly code: string;
  /**
   * Python 3 eval-breaker check points per iteration (3.10+: loop back-edges, function entry and
   * after calls). Where the holder notices `gil_drop_request`.
   */
  readonly checkpointsPerIteration: number;
}

/** `while n > 0: n -= 1`: one back-edge per iteration. */
export const countdown: LoopKind = {
  name: 'countdown',
  code: 'while n > 0: n -= 1',
  checkpointsPerIteration: 1,
};

/**
 * One call of the naive `fib(n)`, counted per call. Check points: the function entry and the
 * return into the caller. Ticks (computed-goto 2.7, measured 5.5 per call): the caller's
 * CALL_FUNCTION, one on frame entry and COMPARE_OP for every call, and for an inner call two
 * LOAD_GLOBAL, two BINARY_SUBTRACT and BINARY_ADD more; a fib tree has about as many leaves as
 * inner calls.
 */
export const fib: LoopKind = {
  name: 'fib',
  code: 'def fib(n): return 1 if n < 2 else fib(n - 1) + fib(n - 2)',
  checkpointsPerIteration: 2,
};

/** Every loop kind, by name. */
export const loopKinds: Readonly<Record<string, LoopKind>> = { countdown, fib };
