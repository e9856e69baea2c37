"""Probe: seconds per run of each loop kind of src/workloads/loops.ts, on one pinned CPU.

    python loops.py [--n 2000000] [--fib 22] [--reps 5] [--cpu C]

countdown: `while n > 0: n -= 1` for n = N, 2N, 4N; fib: the naive fib(k) for k = K-2, K-1, K,
counted per call. Under Python 2 nothing creates the GIL before the timing (no thread, no
ctypes): the figure is a sequential program's, as the model's nsPerIteration means. Each size is timed --reps times, sizes interleaved; records carry every
sample, so the calibration can take minimums (CPU-bound timings on a loaded machine) and fit a
slope (seconds per iteration, free of the call's fixed cost) by least squares.

Each run is timed by the wall clock and by the process's CPU time (on a loaded machine the wall
clock also counts the time other tasks held the CPU; the fitting prefers the CPU time).

Records: {"probe": "loops", "name": "countdown" | "fib", "iterations": [...], "seconds": [[...], ...],
          "cpu_seconds": [[...], ...]}
"""
from __future__ import print_function

import gc
import sys

from _common import allowed_cpus, arg, clock, countdown, cpu_clock, emit, fib, fib_calls, pin, python_id


def main():
    n = arg('n', 2000000)
    k = arg('fib', 22)
    reps = arg('reps', 5)
    cpu = arg('cpu', allowed_cpus()[0])
    pin([cpu])
    gc.disable()
    sizes = [n, 2 * n, 4 * n]
    depths = [k - 2, k - 1, k]
    cd = [[] for _ in sizes]
    fb = [[] for _ in depths]
    cd_cpu = [[] for _ in sizes]
    fb_cpu = [[] for _ in depths]
    countdown(n // 10)  # warm up
    fib(k - 4)
    for _ in range(reps):
        for i, s in enumerate(sizes):
            c0, t0 = cpu_clock(), clock()
            countdown(s)
            cd[i].append(clock() - t0)
            cd_cpu[i].append(cpu_clock() - c0)
        for i, d in enumerate(depths):
            c0, t0 = cpu_clock(), clock()
            fib(d)
            fb[i].append(clock() - t0)
            fb_cpu[i].append(cpu_clock() - c0)
    # Under Python 2 the GIL must not exist during the timing (a sequential program has none):
    # nothing above imported ctypes or started a thread.
    common = {'python': python_id(), 'cpu': cpu, 'ctypes_loaded': 'ctypes' in sys.modules}
    emit('loops', 'countdown', iterations=sizes, seconds=cd, cpu_seconds=cd_cpu, **common)
    emit('loops', 'fib', iterations=[fib_calls(d) for d in depths], depth=depths, seconds=fb, cpu_seconds=fb_cpu, **common)


if __name__ == '__main__':
    sys.exit(main())
