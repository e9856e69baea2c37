"""Probe: wake-up latency and context switch, two processes ping-ponging through futexes.

    python3 pingpong.py [--rounds 200] [--hops 2000] [--reps 40] [--gaps 10,30,100,300,1000,3000,10000]

Two processes share an anonymous mmap; each futex word has its own cache line (shared futexes,
no private flag, since they are in two processes). Timestamps are CLOCK_MONOTONIC in
nanoseconds, comparable across cores. Four experiments:

  oneway   B (on the second CPU) announces it is going to sleep and calls futex_wait. A (first
           CPU, busy the whole time) waits until the announcement, spins for a gap G (B's CPU
           idles for G), writes the word and calls futex_wake, timing that call. B notes when
           futex_wait returned. latency = B's wake time - A's time before the write. Only rounds
           where futex_wake woke B (returned 1) count. Small gaps find B's CPU still polling
           (guest haltpoll, KVM halt_poll_ns), large gaps find it halted: the gap where the
           latency jumps is how long a core stays shallow.
  nowait   one process runs A's and B's half-hop alone: write, futex_wake with nobody asleep,
           futex_wait on a changed word (EAGAIN), the clock reads: a hop without a sleep. Also
           timed exactly as A times its wake in "oneway" (write and futex_wake between two clock
           reads) with nobody asleep, and two clock reads back to back.
  pingpong_1cpu  A and B both on the first CPU, each waking the other and sleeping: per hop a
           wake, a context switch and the return from futex_wait.
  pingpong_2cpu  the same across two CPUs, each CPU idling only for a hop.

Records: {"probe": "pingpong", "name": "oneway", "gap_us": G, "latency_ns": [...], "wake_call_ns": [...], "woken": [...]}
         {"probe": "pingpong", "name": "nowait", "hops": N, "seconds": [...], "wake_empty_call_ns": [...], "clock_ns": [...]}
         {"probe": "pingpong", "name": "pingpong_1cpu" | "pingpong_2cpu", "hops": N, "seconds": [...]}
"""
from __future__ import print_function

import os
import sys

from _common import skip_unless_python3, FUTEX_WAIT, FUTEX_WAKE, allowed_cpus, arg, emit, monotonic_ns, pin, python_id, sys_futex_number, syscall_function, two_cpus

LINE = 64


class Shared(object):
    """Futex words and timestamps in an anonymous shared mapping, one cache line each."""

    def __init__(self):
        import ctypes
        import mmap
        self.mm = mmap.mmap(-1, 4096)
        self.a = ctypes.c_int.from_buffer(self.mm, 0 * LINE)  # B sleeps on it
        self.b = ctypes.c_int.from_buffer(self.mm, 1 * LINE)  # A sleeps on it
        self.asleep = ctypes.c_int.from_buffer(self.mm, 2 * LINE)
        self.t_woke = ctypes.c_int64.from_buffer(self.mm, 3 * LINE)
        self.addr_a = ctypes.addressof(self.a)
        self.addr_b = ctypes.addressof(self.b)


def spin_until(pred):
    while not pred():
        pass


def oneway(sh, sc, nr, cpus, gaps, rounds):
    sh.a.value = 0
    sh.asleep.value = 0
    sh.t_woke.value = 0
    pid = os.fork()
    if pid == 0:  # B
        pin([cpus[1]])
        while True:
            seq = sh.a.value
            if seq < 0:
                os._exit(0)
            sh.asleep.value = seq + 1
            while sh.a.value == seq:
                sc(nr, sh.addr_a, FUTEX_WAIT, seq, None, None, 0)
            sh.t_woke.value = monotonic_ns()
    pin([cpus[0]])
    seq = 0
    for gap in gaps:
        lat, call, woken = [], [], []
        for _ in range(rounds):
            spin_until(lambda: sh.asleep.value == seq + 1)
            t_end = monotonic_ns() + gap * 1000
            while monotonic_ns() < t_end:
                pass
            before = sh.t_woke.value
            t0 = monotonic_ns()
            sh.a.value = seq + 1
            r = sc(nr, sh.addr_a, FUTEX_WAKE, 1, None, None, 0)
            t1 = monotonic_ns()
            spin_until(lambda: sh.t_woke.value != before)
            lat.append(sh.t_woke.value - t0)
            call.append(t1 - t0)
            woken.append(r)
            seq += 1
        emit('pingpong', 'oneway', python=python_id(), cpus=list(cpus), gap_us=gap, latency_ns=lat, wake_call_ns=call, woken=woken)
    spin_until(lambda: sh.asleep.value == seq + 1)
    sh.a.value = -1
    sc(nr, sh.addr_a, FUTEX_WAKE, 1, None, None, 0)
    os.waitpid(pid, 0)


def nowait(sh, sc, nr, cpu, hops, reps):
    pin([cpu])
    sh.a.value = 0
    sh.b.value = 0
    secs, calls = [], []
    for _ in range(reps):
        t0 = monotonic_ns()
        for i in range(hops):
            sh.a.value = i
            sc(nr, sh.addr_a, FUTEX_WAKE, 1, None, None, 0)
            sc(nr, sh.addr_b, FUTEX_WAIT, -1, None, None, 0)  # b is not -1: EAGAIN
            monotonic_ns()
        secs.append((monotonic_ns() - t0) / 1e9)
        for _ in range(200):
            c0 = monotonic_ns()
            sh.a.value = 0
            sc(nr, sh.addr_a, FUTEX_WAKE, 1, None, None, 0)
            calls.append(monotonic_ns() - c0)
    clock_ns = []
    for _ in range(1000):
        c0 = monotonic_ns()
        clock_ns.append(monotonic_ns() - c0)
    emit('pingpong', 'nowait', python=python_id(), cpu=cpu, hops=hops, seconds=secs, wake_empty_call_ns=calls, clock_ns=clock_ns)


def pingpong(sh, sc, nr, cpu_a, cpu_b, hops, reps, name):
    sh.a.value = 0
    sh.b.value = 0
    pid = os.fork()
    if pid == 0:  # B: wait for a to move, answer on b
        pin([cpu_b])
        seq = 0
        while True:
            while sh.a.value == seq:
                sc(nr, sh.addr_a, FUTEX_WAIT, seq, None, None, 0)
            seq = sh.a.value
            if seq < 0:
                os._exit(0)
            sh.b.value = seq
            sc(nr, sh.addr_b, FUTEX_WAKE, 1, None, None, 0)
    pin([cpu_a])
    seq = 0
    secs = []
    for _ in range(reps):
        t0 = monotonic_ns()
        for _ in range(hops // 2):
            seq += 1
            sh.a.value = seq
            sc(nr, sh.addr_a, FUTEX_WAKE, 1, None, None, 0)
            while sh.b.value != seq:
                sc(nr, sh.addr_b, FUTEX_WAIT, seq - 1, None, None, 0)
        secs.append((monotonic_ns() - t0) / 1e9)
    sh.a.value = -1
    sc(nr, sh.addr_a, FUTEX_WAKE, 1, None, None, 0)
    os.waitpid(pid, 0)
    emit('pingpong', name, python=python_id(), cpus=[cpu_a, cpu_b], hops=hops, seconds=secs)


def main():
    if skip_unless_python3('pingpong'):
        return 0
    nr = sys_futex_number()
    if nr is None:
        emit('pingpong', 'skip', python=python_id(), skip='unknown futex system call number on this architecture')
        return 0
    rounds = arg('rounds', 200)
    hops = arg('hops', 2000)
    reps = arg('reps', 40)
    gaps = [int(x) for x in arg('gaps', '10,30,100,300,1000,3000,10000', str).split(',')]
    sc = syscall_function()
    sh = Shared()
    pair = two_cpus()
    first = allowed_cpus()[0]
    nowait(sh, sc, nr, first, hops, reps)
    pingpong(sh, sc, nr, first, first, hops, reps, 'pingpong_1cpu')
    if pair is None:
        emit('pingpong', 'skip', python=python_id(), skip='one CPU only: no cross-core wake-up to measure')
        return 0
    pingpong(sh, sc, nr, pair[0], pair[1], hops, reps, 'pingpong_2cpu')
    oneway(sh, sc, nr, pair, gaps, rounds)
    return 0


if __name__ == '__main__':
    sys.exit(main())
