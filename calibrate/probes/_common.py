"""Helpers shared by gil-top's calibration probes (Python 2.7 and 3.x, Linux).

Every probe prints one JSON object per line on stdout, each with "probe" and "name" fields and
raw samples (never a fitted figure: gil-top calibrate does the fitting, so it can be re-done on
recorded output). Anything else a probe prints goes to stderr. A probe that cannot run on this
interpreter or machine prints one record with "skip" and the reason, and exits 0.

ctypes is imported only where a probe needs it: under Python 2, importing ctypes creates the GIL
(its module init calls PyEval_InitThreads), and a sequential Python 2 program has no GIL: a loop
timed after importing it would pay a lock release and re-take at every check.
"""
from __future__ import print_function

import json
import os
import platform
import sys
import time

PY2 = sys.version_info[0] == 2

_libc = []


def libc():
    """The C library through ctypes (imported on first use)."""
    if not _libc:
        import ctypes
        import ctypes.util
        _libc.append(ctypes.CDLL(ctypes.util.find_library('c') or 'libc.so.6', use_errno=True))
    return _libc[0]


def emit(probe, name, **fields):
    """Prints one record (a JSON object on one line) and flushes, so a timeout keeps what came before."""
    rec = {'probe': probe, 'name': name}
    rec.update(fields)
    sys.stdout.write(json.dumps(rec, sort_keys=True) + '\n')
    sys.stdout.flush()


def skip_unless_python3(probe):
    """True (after printing the skip record) when this interpreter is older than 3.3: the
    machine probes need os.sched_setaffinity and time.clock_gettime, and run under a Python 3."""
    if sys.version_info >= (3, 3):
        return False
    emit(probe, 'skip', python=python_id(), skip='needs Python 3.3+ (os.sched_setaffinity, time.clock_gettime): run it with a Python 3')
    return True


def log(msg):
    sys.stderr.write(msg + '\n')
    sys.stderr.flush()


def python_id():
    """'2.7.18', '3.11.7' ..."""
    return '%d.%d.%d' % tuple(sys.version_info[:3])


# Python 2 has no monotonic clock: time.time (gettimeofday through the vDSO, microseconds)
# serves, since probes on Python 2 only time batches of milliseconds or more.
clock = getattr(time, 'perf_counter', time.time)

# CPU time of this process: what a CPU-bound timing should use on a loaded machine, where the
# wall clock also counts the time other tasks held the CPU. Python 2's time.clock() is clock(3),
# which glibc reads from CLOCK_PROCESS_CPUTIME_ID.
cpu_clock = getattr(time, 'process_time', None) or time.clock


def monotonic_ns():
    """CLOCK_MONOTONIC in integer nanoseconds: comparable between processes and cores (Python 3.3+)."""
    if hasattr(time, 'clock_gettime_ns'):
        return time.clock_gettime_ns(time.CLOCK_MONOTONIC)
    return int(time.clock_gettime(time.CLOCK_MONOTONIC) * 1e9)


def allowed_cpus():
    """The CPUs this process may run on, sorted."""
    if hasattr(os, 'sched_getaffinity'):
        return sorted(os.sched_getaffinity(0))
    with open('/proc/self/status') as f:
        for line in f:
            if line.startswith('Cpus_allowed_list:'):
                cpus = []
                for part in line.split(':', 1)[1].strip().split(','):
                    if '-' in part:
                        a, b = part.split('-')
                        cpus.extend(range(int(a), int(b) + 1))
                    elif part:
                        cpus.append(int(part))
                return sorted(cpus)
    return [0]


def pin(cpus):
    """Pins the calling process (its future threads and children too) to these CPUs. Under Python
    2 this needs ctypes, so a process already pinned there (by taskset) is left alone."""
    cpus = sorted(cpus)
    if hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, cpus)
        return
    if allowed_cpus() == cpus:
        return
    import ctypes
    words = (max(cpus) // 64) + 1
    mask = (ctypes.c_ulong * words)()
    for c in cpus:
        mask[c // 64] |= 1 << (c % 64)
    if libc().sched_setaffinity(0, ctypes.sizeof(mask), ctypes.byref(mask)) != 0:
        e = ctypes.get_errno()
        raise OSError(e, 'sched_setaffinity: ' + os.strerror(e))


def two_cpus():
    """Two distinct CPUs to pin a pair of processes to, or None on a one-CPU machine."""
    cpus = allowed_cpus()
    return (cpus[0], cpus[1]) if len(cpus) >= 2 else None


def thread_ctx_switches():
    """(voluntary, nonvoluntary) context switches of the calling thread, from /proc/thread-self/status."""
    v = nv = 0
    try:
        f = open('/proc/thread-self/status')
    except (IOError, OSError):
        return (0, 0)
    for line in f:
        if line.startswith('voluntary_ctxt_switches'):
            v = int(line.split()[1])
        elif line.startswith('nonvoluntary_ctxt_switches'):
            nv = int(line.split()[1])
    f.close()
    return (v, nv)


def loadavg():
    try:
        with open('/proc/loadavg') as f:
            return [float(x) for x in f.read().split()[:3]]
    except (IOError, OSError):
        return None


def arg(name, default, conv=int):
    """`--name VALUE` from sys.argv, or the default."""
    flag = '--' + name
    if flag in sys.argv:
        return conv(sys.argv[sys.argv.index(flag) + 1])
    return default


def countdown(n):
    """The article's loop, the `countdown` loop kind of src/workloads/loops.ts."""
    while n > 0:
        n -= 1


def fib(n):
    """The naive fib, the `fib` loop kind of src/workloads/loops.ts (counted per call)."""
    return 1 if n < 2 else fib(n - 1) + fib(n - 2)


def fib_calls(n):
    """How many calls fib(n) makes: 1 for n < 2, else 1 + calls(n-1) + calls(n-2)."""
    a, b = 1, 1  # calls(0), calls(1)
    if n < 2:
        return 1
    for _ in range(n - 1):
        a, b = b, a + b + 1
    return b


# --- futex through ctypes ---------------------------------------------------------------------

_SYS_FUTEX = {'x86_64': 202, 'amd64': 202, 'aarch64': 98, 'arm64': 98, 'riscv64': 98, 'i386': 240, 'i686': 240, 'ppc64le': 221, 's390x': 238}
FUTEX_WAIT = 0
FUTEX_WAKE = 1
FUTEX_PRIVATE_FLAG = 128


def sys_futex_number():
    """The futex system call's number on this architecture, or None if unknown."""
    return _SYS_FUTEX.get(platform.machine().lower())


def syscall_function():
    """libc's syscall() with the prototype of syscall(SYS_futex, addr, op, val, NULL, NULL, 0)."""
    import ctypes
    f = libc().syscall
    f.restype = ctypes.c_long
    f.argtypes = [ctypes.c_long, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int]
    return f


def labs_same_prototype():
    """labs() called through the very prototype of syscall() above: the ctypes cost of such a
    call without any system call (labs ignores the extra integer arguments, which the x86-64 and
    AArch64 calling conventions pass in registers)."""
    import ctypes
    proto = ctypes.CFUNCTYPE(ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_int, ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int)
    return proto(('labs', libc()))


def errno():
    import ctypes
    return ctypes.get_errno()
