"""Probe: the cost of the system calls a GIL makes, called through ctypes, on one pinned CPU.

    python syscalls.py [--calls 1000] [--reps 200] [--cpu C]

Each figure is seconds for a batch of --calls calls in a tight Python loop (a twentieth of that
for nanosleep0), --reps batches, the kinds taking turns batch by batch: on a loaded machine short
batches, taken many times, are what finds runs that nothing interrupted (the fitting takes the
fastest batch):
  labs        labs() through the same ctypes prototype as syscall(SYS_futex, ...), no system
              call: the cost of the Python loop and the ctypes call, to subtract from the rest;
  nosys       syscall(-1, ...): the kernel's entry and exit alone (ENOSYS);
  wake_empty  futex(FUTEX_WAKE | FUTEX_PRIVATE_FLAG) on a word nobody waits on: what sem_post
              pays when nwaiters says someone waits but nobody is asleep;
  wait_eagain futex(FUTEX_WAIT | FUTEX_PRIVATE_FLAG, expected != value): the kernel reads the
              word, finds it changed and returns EAGAIN at once: the entry, the compare and the
              return, the path of a py2 waiter whose semaphore moved while it went to sleep;
  nanosleep0  clock_nanosleep(CLOCK_MONOTONIC, 0, {0, 0}) with the timer slack set to 1 ns
              (prctl PR_SET_TIMERSLACK): entering and leaving a sleep that expires at once
              (with the default slack of 50 us even a zero sleep waits for the slack).
The private flag is what glibc uses for a process-private semaphore, mutex and condvar.
A second record times time.sleep(d) for several d with the default timer slack (read with
PR_GET_TIMERSLACK): the overshoot is the slack plus the wake-up.

Records: {"probe": "syscalls", "name": "calls", "calls": N, "sleep_calls": M, "seconds": {"labs": [...], ...},
          "errno": {"wake_empty": 0, "wait_eagain": 11, "nosys": 38}}
         {"probe": "syscalls", "name": "sleep", "requested": [...], "seconds": [[...], ...]}
"""
from __future__ import print_function

import sys
import time

from _common import (FUTEX_PRIVATE_FLAG, FUTEX_WAIT, FUTEX_WAKE, allowed_cpus, arg, clock, emit, errno, labs_same_prototype,
                     pin, python_id, sys_futex_number, syscall_function)


def main():
    calls = arg('calls', 1000)
    reps = arg('reps', 200)
    cpu = arg('cpu', allowed_cpus()[0])
    nr = sys_futex_number()
    if nr is None:
        import platform
        emit('syscalls', 'skip', python=python_id(), skip='unknown futex system call number on %s' % platform.machine())
        return 0
    pin([cpu])
    import ctypes
    sc = syscall_function()
    labs = labs_same_prototype()
    word = ctypes.c_int(0)
    addr = ctypes.addressof(word)
    wake = FUTEX_WAKE | FUTEX_PRIVATE_FLAG
    wait = FUTEX_WAIT | FUTEX_PRIVATE_FLAG

    class Timespec(ctypes.Structure):
        _fields_ = [('tv_sec', ctypes.c_long), ('tv_nsec', ctypes.c_long)]
    zero = Timespec(0, 0)
    nanosleep = sys.modules['_common'].libc().clock_nanosleep
    nanosleep.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.POINTER(Timespec), ctypes.c_void_p]
    zref = ctypes.byref(zero)
    prctl = sys.modules['_common'].libc().prctl
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    PR_SET_TIMERSLACK, PR_GET_TIMERSLACK = 29, 30
    default_slack = prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)
    rng = list(range(calls))
    sleeps = list(range(max(1, calls // 20)))

    def t_labs():
        for _ in rng:
            labs(nr, addr, wake, 1, None, None, 0)

    def t_nosys():
        for _ in rng:
            sc(-1, addr, wake, 1, None, None, 0)

    def t_wake():
        for _ in rng:
            sc(nr, addr, wake, 1, None, None, 0)

    def t_eagain():
        for _ in rng:
            sc(nr, addr, wait, 1, None, None, 0)  # the word is 0: EAGAIN

    def t_nanosleep():
        for _ in sleeps:
            nanosleep(1, 0, zref, None)

    kinds = [('labs', t_labs), ('nosys', t_nosys), ('wake_empty', t_wake), ('wait_eagain', t_eagain), ('nanosleep0', t_nanosleep)]
    errnos = {}
    for name, args in (('nosys', (-1, addr, wake, 1, None, None, 0)), ('wake_empty', (nr, addr, wake, 1, None, None, 0)),
                       ('wait_eagain', (nr, addr, wait, 1, None, None, 0))):
        r = sc(*args)
        errnos[name] = errno() if r < 0 else 0
        if name == 'wake_empty':
            errnos['wake_empty_woken'] = r
    out = dict((k, []) for k, _ in kinds)
    for _ in range(reps):
        for name, f in kinds:
            if name == 'nanosleep0':
                prctl(PR_SET_TIMERSLACK, 1, 0, 0, 0)
            t0 = clock()
            f()
            out[name].append(clock() - t0)
            if name == 'nanosleep0':
                prctl(PR_SET_TIMERSLACK, default_slack, 0, 0, 0)
    emit('syscalls', 'calls', python=python_id(), cpu=cpu, calls=calls, sleep_calls=len(sleeps), seconds=out, errno=errnos)

    requested = [0.00001, 0.0001, 0.001]
    sl = [[] for _ in requested]
    for _ in range(max(3, reps // 20)):
        for i, d in enumerate(requested):
            for _ in range(20):
                t0 = clock()
                time.sleep(d)
                sl[i].append(clock() - t0)
    emit('syscalls', 'sleep', python=python_id(), cpu=cpu, requested=requested, seconds=sl, timer_slack_ns=default_slack)
    return 0


if __name__ == '__main__':
    sys.exit(main())
