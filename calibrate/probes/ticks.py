"""Probe: Python 2 ticks per loop iteration, by experiment (reads `_Py_Ticker` through ctypes).

    python2 ticks.py [--n 100000] [--fib 18]

With a huge check interval (so no check resets the ticker in between) it reads `_Py_Ticker`
before and after countdown(n) for several n, and fib(k) for several k: the ticks are the
ticker's fall. The fixed part (the call into the loop and the reads themselves) drops out of a
fit over several sizes. Then, at check interval 100, the ticker's fall over loops of awkward
lengths gives the period of a check in ticks (the ticker is reset to the interval and the check
fires when it goes below zero: interval + 1 ticks).

Which opcodes tick depends on how the interpreter was built: `continue` to the top of the eval
loop ticks, `goto fast_next_opcode` (LOAD_FAST, LOAD_CONST, STORE_FAST, a POP_JUMP_IF_* on a
bool) does not, and a successful PREDICT() links two opcodes into one trip without a tick. A
build with computed gotos (USE_COMPUTED_GOTOS) disables PREDICT, so COMPARE_OP followed by
POP_JUMP_IF_FALSE then ticks where a switch build would not. The record "compare_jump" measures
exactly that pair (100 copies of `if n > 0: pass`, straight-line code): 1 tick per pair means
prediction is off (computed gotos), 0 means on.

Records: {"probe": "ticks", "name": "countdown" | "fib" | "compare_jump" | "period" | "build", ...}
Python 3 has no ticker: one "skip" record.
"""
from __future__ import print_function

import sys

from _common import countdown, emit, fib, fib_calls, python_id


def main():
    if sys.version_info[0] != 2:
        emit('ticks', 'skip', python=python_id(), skip='Python 3 has no _Py_Ticker: its GIL counts time, not ticks')
        return 0
    import ctypes
    try:
        ticker = ctypes.c_int.in_dll(ctypes.pythonapi, '_Py_Ticker')
    except ValueError as e:
        emit('ticks', 'skip', python=python_id(), skip='no _Py_Ticker symbol in this interpreter (%s)' % e)
        return 0
    from _common import arg
    n = arg('n', 100000)
    k = arg('fib', 18)
    sys.setcheckinterval(10 ** 9)

    def reads(f, x):
        a = ticker.value
        f(x)
        b = ticker.value
        return [a, b]

    def fall(f, x):
        a, b = reads(f, x)
        return a - b

    sizes = [0, n, 2 * n, 3 * n]
    emit('ticks', 'countdown', python=python_id(), iterations=sizes, ticks=[fall(countdown, s) for s in sizes])
    depths = [0, k - 2, k - 1, k]
    emit('ticks', 'fib', python=python_id(), iterations=[fib_calls(d) for d in depths], depth=depths,
         ticks=[fall(fib, d) for d in depths])

    ns = {}
    exec('def pairs(n):\n' + '    if n > 0: pass\n' * 100 + '\ndef nopairs(n):\n    pass\n', ns)
    emit('ticks', 'compare_jump', python=python_id(), copies=100,
         ticks_with=fall(ns['pairs'], 1), ticks_without=fall(ns['nopairs'], 1))

    sys.setcheckinterval(100)
    lengths = [7, 50, 101, 333, 1000, 12345]
    falls = [reads(countdown, s) for s in lengths]  # the same reads as above: the same fixed ticks
    emit('ticks', 'period', python=python_id(), check_interval=100, iterations=lengths, before_after=falls)

    try:
        import sysconfig
        cfg = dict((v, sysconfig.get_config_var(v)) for v in ('USE_COMPUTED_GOTOS', 'HAVE_COMPUTED_GOTOS', 'CONFIG_ARGS'))
    except ImportError:
        cfg = {}
    emit('ticks', 'build', python=python_id(), config=cfg, version=sys.version.replace('\n', ' '))
    return 0


if __name__ == '__main__':
    sys.exit(main())
