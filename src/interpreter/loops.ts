/**
 * The Python loops a thread can run, described by what the interpreters count in them. The
 * cost of an iteration is the machine's (see the profile's `interpreter.nsPerIteration`); what
 * is here is the bytecode's shape, the same on every machine.
 */
export interface LoopKind {
  /** Name used in presets and in the profile's cost table. */
  readonly name: string;
  /** One line on the Python code this stands for. */
  readonly code: string;
  /**
   * Python 2 ticks per iteration: opcodes that go round the top of the eval loop and decrement
   * `_Py_Ticker` (MODEL.md section 1: LOAD_FAST, LOAD_CONST, predicted opcodes do not).
   */
  readonly ticksPerIteration: number;
  /**
   * Python 3 eval-breaker check points per iteration (3.10+: loop back-edges, function entry and
   * after calls). Where the holder notices `gil_drop_request`.
   */
  readonly checkpointsPerIteration: number;
}

/** `while n > 0: n -= 1` — INPLACE_SUBTRACT and JUMP_ABSOLUTE tick; one back-edge. */
export const countdown: LoopKind = {
  name: 'countdown',
  code: 'while n > 0: n -= 1',
  ticksPerIteration: 2,
  checkpointsPerIteration: 1,
};

/**
 * One call of the naive `fib(n)`, counted per call: a leaf ticks COMPARE_OP and RETURN_VALUE
 * (2); an inner call also ticks two LOAD_GLOBAL, two BINARY_SUBTRACT, two CALL_FUNCTION and
 * BINARY_ADD (9). A fib tree has about as many leaves as inner calls: 5.5 ticks per call. Check
 * points: the function entry and the return into the caller.
 */
export const fib: LoopKind = {
  name: 'fib',
  code: 'def fib(n): return 1 if n < 2 else fib(n - 1) + fib(n - 2)',
  ticksPerIteration: 5.5,
  checkpointsPerIteration: 2,
};

/** Every loop kind, by name. */
export const loopKinds: Readonly<Record<string, LoopKind>> = { countdown, fib };
