/**
 * Which measured figure gives which machine-profile value: the one place that wires probes to
 * profile keys. A key is a path into `profiles/*.json` (see src/config/profile-schema.ts); a
 * figure is a name `gil-top calibrate` measures (see src/calibrate/fit/). To calibrate a new
 * profile key, add it to the schema and add its line here.
 *
 * Every other key of the schema is copied from the base profile with a reason saying so; a key
 * listed here whose figure is missing (probe failed, skipped, or noise) makes the profile partial.
 */
export const profileMap: readonly (readonly [profileKey: string, figure: string])[] = [
  ['scheduler.tickNs', 'kernel.tickNs'],
  ['scheduler.contextSwitchNs', 'switch.contextSwitch'],
  ['scheduler.idleWakeupLatencyNs', 'wake.deepLatency'],
  ['scheduler.shallowIdleWakeupLatencyNs', 'wake.shallowLatency'],
  ['scheduler.shallowIdleNs', 'wake.shallowIdle'],
  ['syscalls.futexWaitEntryNs', 'syscalls.futexWaitEntry'],
  ['syscalls.futexWaitReturnNs', 'syscalls.futexWaitReturn'],
  ['syscalls.futexWakeNs', 'wake.futexWakeSleeper'],
  ['syscalls.futexWakeEmptyNs', 'syscalls.futexWakeEmpty'],
  ['syscalls.recvNs', 'loopback.recv'],
  ['syscalls.sendNs', 'loopback.send'],
  ['syscalls.acceptNs', 'loopback.accept'],
  ['syscalls.connectNs', 'loopback.connect'],
  ['syscalls.closeNs', 'loopback.close'],
  ['syscalls.sleepNs', 'syscalls.sleep'],
  ['syscalls.loopbackLatencyNs', 'loopback.latency'],
  ['interpreter.nsPerIteration.countdown.py2', 'loops.countdown.py2'],
  ['interpreter.nsPerIteration.countdown.py3', 'loops.countdown.py3'],
  ['interpreter.nsPerIteration.fib.py2', 'loops.fib.py2'],
  ['interpreter.nsPerIteration.fib.py3', 'loops.fib.py3'],
  ['interpreter.py2TicksPerIteration.countdown', 'ticks.countdown'],
  ['interpreter.py2TicksPerIteration.fib', 'ticks.fib'],
  // The per-check cost is best resolved where checks come most often (at 100 and 1000 it is
  // within the noise of the run times).
  ['interpreter.py2LockPairNs', 'checkcost.10'],
  ['syscalls.timerSlackNs', 'syscalls.timerSlack'],
  ['memory.cacheLineTransferNs', 'cacheline.transfer'],
];

/**
 * Settings the kernel may expose, tried before the base profile (on kernels that do not expose
 * them they come from the base like any unmeasured key, without making the profile partial).
 */
export const optionalProfileMap: readonly (readonly [profileKey: string, figure: string])[] = [
  ['scheduler.latencyNs', 'kernel.schedLatencyNs'],
  ['scheduler.minGranularityNs', 'kernel.schedMinGranularityNs'],
  ['scheduler.wakeupGranularityNs', 'kernel.schedWakeupGranularityNs'],
];
