import os, sys, time, pickle, statistics, multiprocessing as mp

def fork_cost(n=200):
    ts = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        t1 = time.perf_counter_ns()
        os.waitpid(pid, 0)
        ts.append(t1 - t0)
    return ts

def child(q, t0):
    q.put(time.perf_counter_ns() - t0)

def start_to_run(method, n):
    ctx = mp.get_context(method)
    q = ctx.SimpleQueue()
    ts = []
    for _ in range(n):
        t0 = time.perf_counter_ns()
        p = ctx.Process(target=child, args=(q, t0))
        p.start()
        ts.append(q.get())
        p.join()
    return ts

def pickle_cost(n=200000):
    task = ('count', 12500000)
    t0 = time.perf_counter_ns()
    for _ in range(n):
        pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    t1 = time.perf_counter_ns()
    b = pickle.dumps(task, protocol=pickle.HIGHEST_PROTOCOL)
    for _ in range(n):
        pickle.loads(b)
    t2 = time.perf_counter_ns()
    return (t1 - t0) / n, (t2 - t1) / n, len(b)

if __name__ == '__main__':
    f = fork_cost()
    print('python', sys.version.split()[0])
    print('fork parent ns: min %d median %d' % (min(f), statistics.median(f)))
    for m in ('fork', 'spawn', 'forkserver'):
        s = start_to_run(m, 30 if m != 'spawn' else 15)
        print('%s start-to-target ns: min %d median %d' % (m, min(s), statistics.median(s)))
    for _ in range(3):
        d, l, size = pickle_cost()
        print('pickle dumps %.0f ns loads %.0f ns (%d bytes)' % (d, l, size))
