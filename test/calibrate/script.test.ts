import { describe, expect, it } from 'vitest';
import { inexpressible, pythonScript } from '../../src/calibrate/verify/script.js';
import { nearestRank, realFigures } from '../../src/calibrate/verify/verify.js';
import { loadPreset, presetFromData } from '../../src/config/load.js';

const py2 = { version: '2.7.18', freeThreaded: false, cpus: 2 };
const py3 = { version: '3.11.7', freeThreaded: false, cpus: 2 };

describe('preset -> Python script', () => {
  it('runs a sequential Python 2 preset in the main thread, starting no thread (so no GIL exists)', () => {
    const s = pythonScript(loadPreset('vm-py2-sequential'), py2);
    expect(s).toContain('    sys.setcheckinterval(100)');
    expect(s).toContain('        countdown(50000000)');
    expect(s).toMatch(/\("main", \[\("main", program_0, True, False\)\]\),/);
    expect(s).not.toContain('program_1');
  });

  it('runs two threads as threads with the preset\'s check interval', () => {
    const s = pythonScript(loadPreset('vm-py2-checkinterval-10-2cores'), py2);
    expect(s).toContain('    sys.setcheckinterval(10)');
    expect(s).toMatch(/\("main", \[\("t1", program_0, False, False\), \("t2", program_1, False, False\)\]\),/);
  });

  it('writes the echo server, the fib thread and the client with its timed requests', () => {
    const s = pythonScript(loadPreset('echo-fib-py3'), py3);
    expect(s).toContain('    sys.setswitchinterval(0.005)');
    expect(s).toContain('LISTEN["echo"].listen(16)');
    expect(s).toContain('        c["echo"] = LISTEN["echo"].accept()[0]');
    expect(s).toContain('                last = c["echo"].recv(65536)');
    expect(s).toContain('                    raise PeerClosed()');
    expect(s).toContain('                c["echo"].sendall(last)');
    expect(s).toContain('        fib_calls(1000000000000)');
    expect(s).toContain("        c[\"echo\"] = socket.create_connection(('127.0.0.1', PORT[\"echo\"]))");
    expect(s).toContain('            for _ in rng(1000):');
    expect(s).toContain('                t0 = clock()');
    expect(s).toContain('                c["echo"].sendall(P100)');
    expect(s).toContain('                lat.append(clock() - t0)');
    expect(s).toContain("P100 = b'x' * 100");
    // the fib thread is a daemon thread of the server's process; the client is a process of its own
    expect(s).toMatch(/\("main", \[\("echo-server", program_0, False, False\), \("fib", program_1, False, True\)\]\),/);
    expect(s).toMatch(/\("actor:client", \[\("client", program_2, True, False\)\]\),/);
  });

  it('puts a thread of another Python process in a forked process of its own', () => {
    const s = pythonScript(loadPreset('echo-fib-multiprocessing'), py3);
    expect(s).toMatch(/\("fib-worker", \[\("fib", program_1, False, True\)\]\),/);
  });

  it('makes up a fib loop of N calls from whole fib trees', () => {
    const s = pythonScript(loadPreset('echo-fib-py3'), py3);
    expect(s).toContain('CALLS = [1, 1, 3, 5, 9, 15, 25, 41, 67, 109, 177, 287, 465, 753, 1219, 1973, 3193, 5167, 8361, 13529, 21891]');
  });

  it('sizes a C call holding the GIL before the run, and sleeps and spins for the rest', () => {
    const p = presetFromData(
      {
        name: 'c',
        title: 't',
        description: 'd',
        profile: 'epyc-vm',
        policy: 'py3',
        cores: 1,
        threads: [{ name: 'a', startUs: 1000, program: [{ op: 'ccall', us: 250 }, { op: 'sleep', us: 2000 }] }],
        actors: [{ name: 'w', program: [{ op: 'work', us: 30 }] }],
      },
      'inline.json',
    );
    const s = pythonScript(p, py3);
    expect(s).toContain('SUM_NS = sum_ns() if True else None');
    expect(s).toContain('        ccall(250)');
    expect(s).toContain('        time.sleep(0.002)');
    expect(s).toContain('    time.sleep(0.001)');
    expect(s).toContain('        spin(30)');
  });

  it('names, in one line, what it cannot run here', () => {
    expect(inexpressible(loadPreset('vm-py2-threads-2cores'), py3)).toEqual(['policy py2 needs a Python 2 interpreter (this one is 3.11.7)']);
    expect(inexpressible(loadPreset('py36-threads'), py2)).toEqual(['policy py3 needs a Python 3 with a GIL (this one is 2.7.18)']);
    expect(inexpressible(loadPreset('beazley-threads-4'), py2)).toEqual(['4 cores: this machine lets gil-top pin to 2 CPUs']);
    expect(() => pythonScript(loadPreset('beazley-threads-4'), py2)).toThrow(/beazley-threads-4\.json: cannot be run on a real Python here: 4 cores/);
    const ft = { ...loadPreset('py36-threads'), policy: 'free-threaded' as const };
    expect(inexpressible(ft, py3)[0]).toMatch(/^policy free-threaded needs a free-threaded build/);
    expect(inexpressible(ft, { ...py3, version: '3.13.0', freeThreaded: true })).toEqual([]);
  });
});

describe('the real run\'s result line', () => {
  it('sums the threads\' switches and takes nearest-rank latencies, as the model reports them', () => {
    const out = `noise\n${JSON.stringify({ gil_top_verify: 1, python: '3.11.7', seconds: 1.5, threads: { server: { end: 1, voluntary: 10, involuntary: 2, latencies: [] }, client: { end: 1, voluntary: 5, involuntary: 1, latencies: [0.003, 0.001, 0.002, 0.004] } } })}\n`;
    const r = realFigures(out, '17,,context-switches,1,100.00,,\n99,,syscalls:sys_enter_futex,1,100.00,,\n')!;
    expect(r.seconds).toBe(1.5);
    expect(r.voluntary).toBe(15);
    expect(r.involuntary).toBe(3);
    expect(r.futexCalls).toBe(99);
    expect(r.contextSwitches).toBe(17);
    expect(r.clients).toEqual({ client: { requests: 4, p50: 0.002, p99: 0.004 } });
    expect(realFigures('no result', null)).toBeNull();
    expect(nearestRank([5, 1, 4, 2, 3], 0.5)).toBe(3);
  });
});
