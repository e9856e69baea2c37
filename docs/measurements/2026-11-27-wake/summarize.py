# The table of README.md from raw.txt: by the gap between the sleeper's announcement and the wake.
import re, statistics, collections
d = collections.defaultdict(list)
for line in open('raw.txt'):
    kv = dict(re.findall(r'(\w+)=(-?\d+)', line))
    d[int(kv['gap'])].append((int(kv['woken']), int(kv['call']), int(kv['latency'])))
print('| gap ns | woke a sleeper | waker\'s FUTEX_WAKE, ns (median, quartiles; woke one) | until the sleeper runs, ns (median, quartiles; woke one) | FUTEX_WAKE finding nobody asleep, ns (median) |')
print('|---:|---:|---:|---:|---:|')
for g, v in d.items():
    w = [x for x in v if x[0] == 1]
    n = [x for x in v if x[0] == 0]
    def med(xs, i):
        if len(xs) < 2:
            return '%d' % xs[0][i] if xs else '-'
        q = statistics.quantiles([x[i] for x in xs], n=4)
        return '%d (%d-%d)' % (statistics.median([x[i] for x in xs]), q[0], q[2])
    print('| %d | %d%% | %s | %s | %s |' % (g, round(100 * len(w) / len(v)), med(w, 1), med(w, 2), med(n, 1)))
