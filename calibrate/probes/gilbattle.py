"""Workload: two threads of countdown fighting over the GIL (gil-top calibrate runs it under perf).

    python gilbattle.py --n TOTAL [--threads 2] [--check-interval CI] [--chunk 1000] [--cpus 0,1]

Each thread counts down TOTAL/threads in chunks of --chunk iterations; after each chunk it
looks at a shared "owner" slot, and when the last thread seen there is another one it counts a
GIL hand-off and writes itself there. A hand-off is seen only once per chunk (about 10-40 us of
Python here), so this is a lower bound of the GIL switches; under Python 3, where two CPU-bound
threads switch about every 5 ms and only because the waiter's timeout forced a drop, every
hand-off is a forced switch and the count is exact. Each thread reads its own voluntary and
involuntary context switches from /proc/thread-self/status at its end; the main thread's count
(minus its count at start) is added.

Record: {"probe": "gilbattle", "name": "run", "python": ..., "iterations": TOTAL, "threads": T,
         "check_interval": CI | null, "switch_interval": s | null, "seconds": wall, "handoffs": H,
         "voluntary": V, "involuntary": NV, "per_thread": [[v, nv, handoffs], ...]}
"""
from __future__ import print_function

import sys
import threading
import time

from _common import arg, clock, emit, pin, python_id, thread_ctx_switches


def main():
    base = thread_ctx_switches()
    n = arg('n', 20000000)
    threads = arg('threads', 2)
    ci = arg('check-interval', None)
    chunk = arg('chunk', 1000)
    cpus = arg('cpus', None, str)
    if cpus is not None:
        pin([int(c) for c in cpus.split(',')])
    if ci is not None:
        if sys.version_info[0] == 2:
            sys.setcheckinterval(ci)
        else:
            emit('gilbattle', 'skip', python=python_id(), skip='--check-interval is for Python 2')
            return 0
    owner = [None]
    results = []
    lock = threading.Lock()

    def worker(me, total):
        # `while n > stop: n -= 1` is the countdown loop (the same opcodes and ticks, a local
        # in place of the constant) on large numbers: a countdown(chunk) would spend a quarter
        # of its iterations among the cached small integers, cheaper than the loop it stands for.
        seen = 0
        n = 10 ** 9 + total
        end = 10 ** 9
        while n > end:
            stop = max(end, n - chunk)
            while n > stop:
                n -= 1
            if owner[0] is not me:
                owner[0] = me
                seen += 1
        v, nv = thread_ctx_switches()
        with lock:
            results.append([v, nv, seen])

    ts = [threading.Thread(target=worker, args=(i, n // threads)) for i in range(threads)]
    t0 = clock()
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = clock() - t0
    m = thread_ctx_switches()
    main_cs = [m[0] - base[0], m[1] - base[1]]
    emit('gilbattle', 'run', python=python_id(), iterations=n, threads=threads, check_interval=ci,
         switch_interval=sys.getswitchinterval() if hasattr(sys, 'getswitchinterval') else None,
         seconds=wall, handoffs=sum(r[2] for r in results) - 1,
         voluntary=sum(r[0] for r in results) + main_cs[0], involuntary=sum(r[1] for r in results) + main_cs[1],
         per_thread=results, main=main_cs, started=time.time())
    return 0


if __name__ == '__main__':
    sys.exit(main())
