"""Probe: Python 2's cost per check with the GIL existing but uncontended, on one pinned CPU.

    python2 checkcost.py [--n 10000000] [--procs 3] [--reps 3] [--cpu C] [--intervals 10,100,1000]

A Python 2 program that never started a thread has no GIL (PyEval_InitThreads has not run): a
check resets the ticker and looks for pending calls, nothing more. Once a thread has been
started the GIL exists, and every check releases and re-takes it even with nobody waiting
(PyThread_release_lock + PyThread_acquire_lock: sem_post and sem_wait's fast paths, two
PyThreadState_Swap). So the same countdown(n) in the main thread is timed in two kinds of fresh
process: "nogil" (no thread ever started, and ctypes not imported: its init creates the GIL) and "gil" (a dummy thread started and joined first),
at each check interval. The difference over the number of checks is the per-check cost of the
uncontended GIL. Processes alternate, each timing the loop --reps times; the child also measures
its ticks per iteration with _Py_Ticker so the check count does not rest on an assumption.

Records: {"probe": "checkcost", "name": "run", "mode": "gil" | "nogil", "check_interval": CI,
          "iterations": N, "seconds": [...], "cpu_seconds": [...], "ticks_per_iteration": T}
(cpu_seconds: the process's CPU time, which the fitting prefers on a loaded machine)
"""
from __future__ import print_function

import gc
import json
import subprocess
import sys
import time


def countdown(n):
    while n > 0:
        n -= 1


def child(mode, ci, n, reps):
    # Nothing here may create the GIL before the timing in "nogil" mode: importing ctypes does
    # (its module init calls PyEval_InitThreads), so does _common, which imports ctypes. The
    # clock is time.time (gettimeofday through the vDSO, microseconds: the runs last 0.1 s or
    # more). Ticks are counted after the timing, when creating the GIL no longer matters.
    gc.disable()
    if mode == 'gil':
        import threading
        t = threading.Thread(target=lambda: None)
        t.start()
        t.join()
    sys.setcheckinterval(ci)
    countdown(n // 20)  # warm up at this interval
    out = []
    cpu = []
    for _ in range(reps):
        c0, t0 = time.clock(), time.time()  # clock(3): the process's CPU time
        countdown(n)
        out.append(time.time() - t0)
        cpu.append(time.clock() - c0)
    import ctypes
    ticker = ctypes.c_int.in_dll(ctypes.pythonapi, '_Py_Ticker')
    sys.setcheckinterval(10 ** 9)
    a = ticker.value
    countdown(10000)
    b = ticker.value
    a2 = ticker.value
    countdown(20000)
    b2 = ticker.value
    tpi = ((a2 - b2) - (a - b)) / 10000.0
    sys.stdout.write(json.dumps({'seconds': out, 'cpu_seconds': cpu, 'tpi': tpi}) + '\n')


def main():
    if '--child' in sys.argv:
        i = sys.argv.index('--child')
        child(sys.argv[i + 1], int(sys.argv[i + 2]), int(sys.argv[i + 3]), int(sys.argv[i + 4]))
        return 0
    from _common import allowed_cpus, arg, emit, pin, python_id
    if sys.version_info[0] != 2:
        emit('checkcost', 'skip', python=python_id(), skip='Python 3 has no check interval: its GIL drops on a timeout')
        return 0
    n = arg('n', 10000000)
    procs = arg('procs', 3)
    reps = arg('reps', 3)
    cpu = arg('cpu', allowed_cpus()[0])
    intervals = [int(x) for x in arg('intervals', '10,100,1000', str).split(',')]
    pin([cpu])  # children inherit the affinity
    for ci in intervals:
        for _ in range(procs):
            for mode in ('nogil', 'gil'):
                p = subprocess.Popen([sys.executable, __file__, '--child', mode, str(ci), str(n), str(reps)], stdout=subprocess.PIPE)
                out = p.communicate()[0]
                if p.returncode != 0:
                    emit('checkcost', 'error', python=python_id(), mode=mode, check_interval=ci, error='child exited with %d' % p.returncode)
                    continue
                r = json.loads(out.decode('ascii').strip().splitlines()[-1])
                emit('checkcost', 'run', python=python_id(), cpu=cpu, mode=mode, check_interval=ci, iterations=n,
                     seconds=r['seconds'], cpu_seconds=r['cpu_seconds'], ticks_per_iteration=r['tpi'])
    return 0


if __name__ == '__main__':
    sys.exit(main())
