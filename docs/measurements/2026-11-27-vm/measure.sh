#!/bin/sh
# Measures the vm-* presets' experiments with real CPython on this machine: wall time (RUNS runs
# each, without perf) and, in one more run each under perf stat, futex calls and context switches.
# Raw lines go to stdout, one per run, with the load average before it. Run on a quiet machine:
#   docs/measurements/2026-11-27-vm/measure.sh > docs/measurements/2026-11-27-vm/raw.txt
set -u
cd "$(dirname "$0")"
PY2=${PY2:-$HOME/.pyenv/versions/2.7.18/bin/python}
PY3=${PY3:-$HOME/.pyenv/versions/3.6.15/bin/python}
RUNS=${RUNS:-5}
N=50000000
exp() { # name cpus python args...
  name=$1 cpus=$2 py=$3; shift 3
  i=0
  while [ $i -lt "$RUNS" ]; do
    echo "run name=$name cpus=$cpus load=$(cut -d' ' -f1 /proc/loadavg) $(taskset -c "$cpus" "$py" countdown.py "$@")"
    i=$((i + 1))
  done
  if command -v perf >/dev/null 2>&1; then
    out=$(perf stat -x, -e context-switches,syscalls:sys_enter_futex -o /tmp/measure-perf.csv -- taskset -c "$cpus" "$py" countdown.py "$@")
    echo "perf name=$name cpus=$cpus load=$(cut -d' ' -f1 /proc/loadavg) $out $(grep -v '^#' /tmp/measure-perf.csv | grep -v '^$' | awk -F, '{printf "%s=%s ", $3, $1}')"
  fi
}
exp vm-py2-sequential 0 "$PY2" seq $N
exp vm-py2-threads-1core 0 "$PY2" thr $N 100
exp vm-py2-threads-2cores 0,1 "$PY2" thr $N 100
exp vm-py2-checkinterval-10-1core 0 "$PY2" thr $N 10
exp vm-py2-checkinterval-10-2cores 0,1 "$PY2" thr $N 10
exp vm-py2-checkinterval-1000-1core 0 "$PY2" thr $N 1000
exp vm-py2-checkinterval-1000-2cores 0,1 "$PY2" thr $N 1000
exp vm-py36-sequential 0 "$PY3" seq $N
exp vm-py36-threads-2cores 0,1 "$PY3" thr $N
