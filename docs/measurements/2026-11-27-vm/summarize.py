# Summarizes raw.txt (written by measure.sh) into the table of README.md: the median wall time
# of the runs without perf, and the counts of the run under perf per Python 2 check or per run.
import re, statistics
rows, perf, loads = {}, {}, []
for line in open('raw.txt'):
    kv = dict(re.findall(r'(\S+?)=(\S+)', line))
    loads.append(float(kv['load']))
    if line.startswith('run'):
        rows.setdefault(kv['name'], []).append(kv)
    elif line.startswith('perf'):
        perf[kv['name']] = kv
print('| experiment | CPUs | median wall s (runs) | voluntary switches, median of the runs | under perf: futex calls, context switches, voluntary | per check: futex (perf), voluntary (runs) |')
print('|---|---|---|---:|---|---|')
for name, runs in rows.items():
    walls = [float(r['wall']) for r in runs]
    p = perf.get(name, {})
    ci = runs[0]['ci']
    per = ''
    if runs[0]['py'].startswith('2') and runs[0]['mode'] == 'thr':
        checks = int(runs[0]['total']) * 3 / (int(ci) + 1)  # 3 ticks per iteration, a check every ci + 1 ticks
        per = '%.3g, %.3g' % (int(p['syscalls:sys_enter_futex']) / checks, statistics.median(int(r['vol']) for r in runs) / checks)
    print('| %s | %s | %.3f (%s) | %d | %s, %s, %s | %s |' % (name, runs[0]['cpus'], statistics.median(walls), ' '.join('%.3f' % w for w in walls),
          statistics.median(int(r['vol']) for r in runs), p.get('syscalls:sys_enter_futex', '-'), p.get('context-switches', '-'), p.get('vol', '-'), per))
print('\nload average before each run: %.2f to %.2f' % (min(loads), max(loads)))
