"""Probe: loopback TCP costs: connect, accept, send and recv of 100 bytes, close, one-way latency.

    python3 loopback.py [--conns 500] [--msgs 5000] [--rounds 300]

Costs of single calls, timed one by one in one process on one CPU (CLOCK_MONOTONIC before and
after each call; the cost of the two clock reads, "clock", is measured too and subtracted by
gil-top calibrate):
  connect  to a listening socket on 127.0.0.1 (on loopback the handshake runs inside connect)
  accept   of that pending connection
  send     of 100 bytes on an established connection (the segment travels the whole TCP path
           inside the call and lands in the peer's receive queue)
  recv     of 100 bytes already queued
  close    of the accepted side, then of the connecting side
One-way latency, two processes on two CPUs: A stamps the time and sends 100 bytes; B, either
spinning on recv(MSG_DONTWAIT) (its CPU never idles) or blocked in recv after a gap of 50 us,
stamps the time recv returned and sends its stamp back. spin = the send, the delivery and a
recv, with no wake-up; blocked = the same plus waking B.

Records: {"probe": "loopback", "name": "calls", "ns": {"connect": [...], ...}}
         {"probe": "loopback", "name": "oneway", "mode": "spin" | "blocked", "latency_ns": [...]}
"""
from __future__ import print_function

import os
import socket
import struct
import sys

from _common import skip_unless_python3, allowed_cpus, arg, emit, monotonic_ns, pin, python_id, two_cpus

MSG = b'x' * 100


def calls(conns, msgs, cpu):
    pin([cpu])
    now = monotonic_ns
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(('127.0.0.1', 0))
    ls.listen(128)
    addr = ls.getsockname()
    out = dict((k, []) for k in ('clock', 'connect', 'accept', 'send', 'recv', 'close'))
    for _ in range(conns):
        c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        t0 = now()
        c.connect(addr)
        t1 = now()
        s, _ = ls.accept()
        t2 = now()
        out['connect'].append(t1 - t0)
        out['accept'].append(t2 - t1)
        t0 = now()
        s.close()
        t1 = now()
        c.close()
        t2 = now()
        out['close'].extend([t1 - t0, t2 - t1])
    c = socket.create_connection(addr)
    s, _ = ls.accept()
    for _ in range(msgs):
        t0 = now()
        c.send(MSG)
        t1 = now()
        s.recv(4096)
        t2 = now()
        s.send(MSG)
        t3 = now()
        c.recv(4096)
        t4 = now()
        out['send'].extend([t1 - t0, t3 - t2])
        out['recv'].extend([t2 - t1, t4 - t3])
        t5 = now()
        out['clock'].append(now() - t5)
    c.close()
    s.close()
    ls.close()
    emit('loopback', 'calls', python=python_id(), cpu=cpu, ns=out)


def oneway(pair, rounds, mode):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    ls.bind(('127.0.0.1', 0))
    ls.listen(1)
    addr = ls.getsockname()
    pid = os.fork()
    if pid == 0:  # B
        pin([pair[1]])
        c = socket.create_connection(addr)
        while True:
            if mode == 'spin':
                while True:
                    try:
                        data = c.recv(4096, socket.MSG_DONTWAIT)
                        break
                    except (BlockingIOError, InterruptedError):
                        pass
            else:
                data = c.recv(4096)
            t = monotonic_ns()
            if not data:
                os._exit(0)
            c.sendall(struct.pack('q', t))
    pin([pair[0]])
    s, _ = ls.accept()
    lat = []
    for _ in range(rounds):
        if mode == 'blocked':
            t_end = monotonic_ns() + 50000
            while monotonic_ns() < t_end:
                pass
        t0 = monotonic_ns()
        s.send(MSG)
        got = b''
        while len(got) < 8:
            got += s.recv(8 - len(got))
        lat.append(struct.unpack('q', got)[0] - t0)
    s.close()
    ls.close()
    os.waitpid(pid, 0)
    emit('loopback', 'oneway', python=python_id(), cpus=list(pair), mode=mode, latency_ns=lat)


def main():
    if skip_unless_python3('loopback'):
        return 0
    pair = two_cpus()  # before calls() pins this process to one CPU
    calls(arg('conns', 500), arg('msgs', 5000), allowed_cpus()[0])
    if pair is None:
        emit('loopback', 'skip', python=python_id(), skip='one CPU only: no one-way latency across cores')
        return 0
    rounds = arg('rounds', 300)
    oneway(pair, rounds, 'spin')
    oneway(pair, rounds, 'blocked')
    return 0


if __name__ == '__main__':
    sys.exit(main())
