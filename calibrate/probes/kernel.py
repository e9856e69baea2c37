"""Probe: what the kernel says about itself: its tick rate, scheduler settings, idle states.

    python kernel.py

Reads, where present: CONFIG_HZ from /proc/config.gz or /boot/config-RELEASE; the scheduler's
settings from /proc/sys/kernel/sched_* (older kernels) and /sys/kernel/debug/sched/* (newer ones,
root only); the cpuidle driver and states of the first CPU; the guest haltpoll parameters; the
CPU model and count. Nothing is timed.

Record: {"probe": "kernel", "name": "settings", "release": ..., "hz": 250 | null, "sched": {...},
         "cpuidle": {...}, "haltpoll": {...}, "cpu_model": ..., "cpus": N}
"""
from __future__ import print_function

import glob
import gzip
import os
import platform
import sys

from _common import allowed_cpus, emit, python_id


def read(path):
    try:
        with open(path) as f:
            return f.read().strip()
    except (IOError, OSError):
        return None


def config_hz(release):
    for path in ('/proc/config.gz', '/boot/config-' + release):
        try:
            opener = gzip.open if path.endswith('.gz') else open
            with opener(path, 'rb') as f:
                for line in f:
                    line = line.decode('ascii', 'replace').strip()
                    if line.startswith('CONFIG_HZ='):
                        return int(line.split('=')[1]), path
        except (IOError, OSError, ValueError):
            continue
    return None, None


def main():
    release = platform.release()
    hz, hz_from = config_hz(release)
    sched = {}
    for path in sorted(glob.glob('/proc/sys/kernel/sched_*')) + sorted(glob.glob('/sys/kernel/debug/sched/*')):
        if os.path.isfile(path):
            v = read(path)
            if v is not None and len(v) < 200:
                sched[path] = v
    idle = {'driver': read('/sys/devices/system/cpu/cpuidle/current_driver'),
            'governor': read('/sys/devices/system/cpu/cpuidle/current_governor_ro') or read('/sys/devices/system/cpu/cpuidle/current_governor'),
            'states': []}
    for d in sorted(glob.glob('/sys/devices/system/cpu/cpu0/cpuidle/state*')):
        idle['states'].append(dict((k, read(os.path.join(d, k))) for k in ('name', 'latency', 'residency', 'disable')))
    haltpoll = dict((os.path.basename(p), read(p)) for p in sorted(glob.glob('/sys/module/haltpoll/parameters/*')))
    model = None
    cpuinfo = read('/proc/cpuinfo') or ''
    for line in cpuinfo.splitlines():
        if line.startswith('model name'):
            model = line.split(':', 1)[1].strip()
            break
    flags = ''
    for line in cpuinfo.splitlines():
        if line.startswith('flags'):
            flags = line
            break
    emit('kernel', 'settings', python=python_id(), release=release, machine=platform.machine(), hz=hz, hz_from=hz_from,
         sched=sched, cpuidle=idle, haltpoll=haltpoll, cpu_model=model, cpus=len(allowed_cpus()),
         hypervisor=' hypervisor' in flags, perf_event_paranoid=read('/proc/sys/kernel/perf_event_paranoid'))
    return 0


if __name__ == '__main__':
    sys.exit(main())
