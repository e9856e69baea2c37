# Usage: python countdown.py {seq|thr} TOTAL [CHECKINTERVAL]
# seq: countdown(TOTAL) in the main thread; thr: two threads, each countdown(TOTAL // 2), started
# and joined by the main thread. CHECKINTERVAL: sys.setcheckinterval (Python 2 only).
# Prints one line of key=value pairs: the wall time around the work and the voluntary and
# involuntary context switches of every thread that ran it (/proc/thread-self/status).
# Works on Python 2.7 and 3.x. The same workload as the presets vm-*.
import sys, time, threading

def countdown(n):
    while n > 0:
        n -= 1

def ctx_self():
    v = nv = 0
    try:
        f = open('/proc/thread-self/status')
    except IOError:
        return (0, 0)
    for line in f:
        if line.startswith('voluntary_ctxt_switches'):
            v = int(line.split()[1])
        elif line.startswith('nonvoluntary_ctxt_switches'):
            nv = int(line.split()[1])
    f.close()
    return (v, nv)

results = []
lock = threading.Lock()

def worker(n):
    countdown(n)
    c = ctx_self()
    with lock:
        results.append(c)

def main():
    base = ctx_self()
    mode = sys.argv[1]
    total = int(sys.argv[2])
    ci = None
    if len(sys.argv) > 3:
        ci = int(sys.argv[3])
        sys.setcheckinterval(ci)
    if mode == 'seq':
        t0 = time.time()
        countdown(total)
        t1 = time.time()
    else:
        ts = [threading.Thread(target=worker, args=(total // 2,)) for _ in range(2)]
        t0 = time.time()
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        t1 = time.time()
    m = ctx_self()
    results.append((m[0] - base[0], m[1] - base[1]))
    sys.stdout.write("py=%d.%d.%d mode=%s total=%d ci=%s wall=%.4f vol=%d nvol=%d\n" % (
        sys.version_info[0], sys.version_info[1], sys.version_info[2], mode, total, ci, t1 - t0,
        sum(r[0] for r in results), sum(r[1] for r in results)))

main()
