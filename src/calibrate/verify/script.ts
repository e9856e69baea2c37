import { InputError } from '../../config/input-error.js';
import type { Preset } from '../../config/load.js';
import type { OpSpec } from '../../model/index.js';

/** The interpreter a script is written for. */
export interface ScriptTarget {
  /** 'X.Y.Z'. */
  version: string;
  freeThreaded: boolean;
  /** CPUs gil-top may pin the run to (the preset's cores must fit). */
  cpus: number;
}

/** The naive fib's depth the script repeats to make up a fib loop's calls. */
const fibDepth = 20;
const fibCalls = (n: number): number => (n < 2 ? 1 : 1 + fibCalls(n - 1) + fibCalls(n - 2));

/** A Python string literal (JSON's escapes are Python's too for these names). */
const lit = (s: string): string => JSON.stringify(s);

/** What the preset asks that no script can do on this interpreter and machine, one line each. */
export function inexpressible(preset: Preset, t: ScriptTarget): string[] {
  const out: string[] = [];
  const major = Number(t.version.split('.')[0]);
  if (preset.policy === 'py2' && major !== 2) out.push(`policy py2 needs a Python 2 interpreter (this one is ${t.version})`);
  if (preset.policy === 'py3' && (major !== 3 || t.freeThreaded)) out.push(`policy py3 needs a Python 3 with a GIL (this one is ${t.version}${t.freeThreaded ? ', free-threaded' : ''})`);
  if (preset.policy === 'free-threaded' && !t.freeThreaded) out.push(`policy free-threaded needs a free-threaded build (python3.13t or later with the GIL off; this one is ${t.version} with a GIL)`);
  if (preset.policy === 'priority' || preset.policy === 'bfs') out.push(`policy ${preset.policy} (${preset.policy === 'bfs' ? 'a patch on bpo-7946' : "Beazley's 2010 proposal"}) never shipped in a CPython release: no interpreter runs it`);
  if (preset.cores > t.cpus) out.push(`${preset.cores} cores: this machine lets gil-top pin to ${t.cpus} CPU${t.cpus > 1 ? 's' : ''}`);
  const opened = (ops: OpSpec[], inRepeat: boolean, who: string): void =>
    ops.forEach((op) => {
      if (op.op === 'loop' && op.shared !== undefined) out.push(`${who}: a loop on shared object "${op.shared}": the script generator has no Python for it yet`);
      if ((op.op === 'accept' || op.op === 'connect') && inRepeat) out.push(`${who}: ${op.op} inside a repeat opens socket "${op.socket}" again and again; the script opens each socket once`);
      if (op.op === 'repeat' || op.op === 'request') opened(op.body, inRepeat || op.op === 'repeat', who);
    });
  for (const th of [...preset.threads, ...preset.actors]) opened(th.program, false, th.name);
  return out;
}

/** Python source for a program's operations, indented; `recvs` tells whether a body can see an end of file. */
function body(ops: OpSpec[], indent: string, payloads: Map<number, string>): string[] {
  const lines: string[] = [];
  for (const op of ops) {
    switch (op.op) {
      case 'loop':
        lines.push(`${indent}${op.kind === 'fib' ? 'fib_calls' : 'countdown'}(${op.iterations})`);
        break;
      case 'ccall':
        lines.push(`${indent}ccall(${op.us})`);
        break;
      case 'work':
        lines.push(`${indent}spin(${op.us})`);
        break;
      case 'sleep':
        lines.push(`${indent}time.sleep(${op.us / 1e6})`);
        break;
      case 'accept':
        lines.push(`${indent}c[${lit(op.socket)}] = LISTEN[${lit(op.socket)}].accept()[0]`);
        break;
      case 'connect':
        lines.push(`${indent}c[${lit(op.socket)}] = socket.create_connection(('127.0.0.1', PORT[${lit(op.socket)}]))`);
        break;
      case 'recv':
        lines.push(`${indent}last = c[${lit(op.socket)}].recv(65536)`, `${indent}if not last:`, `${indent}    raise PeerClosed()`);
        break;
      case 'send':
        if (op.bytes === undefined) lines.push(`${indent}c[${lit(op.socket)}].sendall(last)`);
        else {
          if (!payloads.has(op.bytes)) payloads.set(op.bytes, `P${op.bytes}`);
          lines.push(`${indent}c[${lit(op.socket)}].sendall(${payloads.get(op.bytes)})`);
        }
        break;
      case 'close':
        lines.push(`${indent}c[${lit(op.socket)}].close()`);
        break;
      case 'request':
        lines.push(`${indent}t0 = clock()`, ...body(op.body, indent, payloads), `${indent}lat.append(clock() - t0)`);
        break;
      case 'repeat':
        lines.push(
          `${indent}try:`,
          op.times === 'forever' ? `${indent}    while True:` : `${indent}    for _ in rng(${op.times}):`,
          ...body(op.body, indent + '        ', payloads),
          `${indent}except PeerClosed:`,
          `${indent}    pass`,
        );
        break;
    }
  }
  return lines;
}

/**
 * A Python script (2.7 and 3.x alike) that runs the preset's workload for real: its Python
 * threads as threads (a thread marked `main` in its process's main thread, so that a lone one is
 * a sequential program without a GIL), each other process and each actor as a forked process,
 * sockets on 127.0.0.1, the check or switch interval set. It prints one JSON line: the seconds
 * until every non-daemon thread and client finished, each thread's context switches and each
 * client's request latencies. Throws an InputError naming what it cannot express.
 */
export function pythonScript(preset: Preset, t: ScriptTarget): string {
  const problems = inexpressible(preset, t);
  if (problems.length > 0) throw new InputError(`${preset.file}: cannot be run on a real Python here: ${problems.join('; ')}`);
  const payloads = new Map<number, string>();
  const sockets = new Set<string>();
  const collect = (ops: OpSpec[]) => ops.forEach((op) => (op.op === 'accept' ? sockets.add(op.socket) : op.op === 'repeat' || op.op === 'request' ? collect(op.body) : undefined));
  const usesCcall = JSON.stringify(preset.threads).includes('"op":"ccall"');
  const units = [...preset.threads.map((th) => ({ th, actor: false })), ...preset.actors.map((th) => ({ th, actor: true }))];
  units.forEach(({ th }) => collect(th.program));
  const fns = units.flatMap(({ th }, i) => [
    `def program_${i}():  # ${th.name}`,
    `    c = {}`,
    `    last = b''`,
    `    lat = []`,
    ...(th.startUs ? [`    time.sleep(${th.startUs / 1e6})`] : []),
    `    try:`,
    ...body(th.program, '        ', payloads),
    `    except PeerClosed:`,
    `        pass`,
    `    return lat`,
    '',
  ]);
  // Processes: the script's own ("main") runs its Python threads; every other process, and each
  // actor, is forked before anything starts.
  const groups = new Map<string, { name: string; index: number; main: boolean; daemon: boolean; actor: boolean }[]>();
  units.forEach(({ th, actor }, index) => {
    const proc = actor ? `actor:${th.name}` : (th.process ?? 'main');
    groups.set(proc, [...(groups.get(proc) ?? []), { name: th.name, index, main: th.main === true, daemon: th.daemon === true, actor }]);
  });
  const procList = [...groups.entries()].map(([proc, members]) => `    (${lit(proc)}, [${members.map((m) => `(${lit(m.name)}, program_${m.index}, ${m.main || (m.actor && members.length === 1) ? 'True' : 'False'}, ${m.daemon ? 'True' : 'False'})`).join(', ')}]),`);
  const setting =
    preset.policy === 'py2' ? `sys.setcheckinterval(${preset.checkInterval})` : `sys.setswitchinterval(${preset.switchInterval})`;
  return [
    `# Generated by gil-top verify from preset ${preset.name} (${preset.file}).`,
    `# ${preset.title}`,
    `# Policy ${preset.policy}, ${preset.cores} core${preset.cores > 1 ? 's' : ''} (pinned by taskset), ${preset.policy === 'py2' ? `check interval ${preset.checkInterval}` : `switch interval ${preset.switchInterval} s`}.`,
    `from __future__ import print_function`,
    `import json, os, signal, socket, sys, threading, time`,
    ``,
    `try:`,
    `    rng = xrange`,
    `except NameError:`,
    `    rng = range`,
    `clock = getattr(time, 'perf_counter', time.time)`,
    ``,
    `class PeerClosed(Exception):`,
    `    """recv saw the peer's close: ends the innermost repeat, as in the model."""`,
    ``,
    `def countdown(n):`,
    `    while n > 0:`,
    `        n -= 1`,
    ``,
    `def fib(n):`,
    `    return 1 if n < 2 else fib(n - 1) + fib(n - 2)`,
    ``,
    `CALLS = [${Array.from({ length: fibDepth + 1 }, (_, d) => fibCalls(d)).join(', ')}]  # calls of fib(d)`,
    ``,
    `def fib_calls(calls):`,
    `    """A fib loop of \`calls\` calls: fib(${fibDepth}) again and again, the rest in smaller trees."""`,
    `    d = ${fibDepth}`,
    `    while calls > 0:`,
    `        while d > 0 and CALLS[d] > calls:`,
    `            d -= 1`,
    `        fib(d)`,
    `        calls -= CALLS[d]`,
    ``,
    `def spin(us):`,
    `    end = clock() + us / 1e6`,
    `    while clock() < end:`,
    `        pass`,
    ``,
    `def sum_ns():`,
    `    """Nanoseconds per element of sum() over a range: a C loop that holds the GIL."""`,
    `    best = None`,
    `    for _ in range(5):`,
    `        t0 = clock()`,
    `        sum(rng(1000000))`,
    `        ns = (clock() - t0) * 1e3`,
    `        best = ns if best is None else min(best, ns)`,
    `    return best`,
    ``,
    `SUM_NS = sum_ns() if ${usesCcall ? 'True' : 'False'} else None`,
    ``,
    `def ccall(us):`,
    `    """A C call holding the GIL without a check point: sum() over a range, sized (before the run) to take \`us\`."""`,
    `    sum(rng(int(us * 1e3 / SUM_NS)))`,
    ``,
    ...[...payloads.entries()].map(([n, name]) => `${name} = b'x' * ${n}`),
    ``,
    `LISTEN = {}`,
    `PORT = {}`,
    ...[...sockets].flatMap((s) => [
      `LISTEN[${lit(s)}] = socket.socket(socket.AF_INET, socket.SOCK_STREAM)`,
      `LISTEN[${lit(s)}].bind(('127.0.0.1', 0))`,
      `LISTEN[${lit(s)}].listen(16)`,
      `PORT[${lit(s)}] = LISTEN[${lit(s)}].getsockname()[1]`,
    ]),
    ``,
    ...fns,
    `PROCESSES = [  # (process, [(thread, program, runs in the process's main thread, daemon)])`,
    ...procList,
    `]`,
    ``,
    `def ctx():`,
    `    v = nv = 0`,
    `    try:`,
    `        with open('/proc/thread-self/status') as f:`,
    `            for line in f:`,
    `                if line.startswith('voluntary_ctxt_switches'):`,
    `                    v = int(line.split()[1])`,
    `                elif line.startswith('nonvoluntary_ctxt_switches'):`,
    `                    nv = int(line.split()[1])`,
    `    except (IOError, OSError):`,
    `        pass`,
    `    return v, nv`,
    ``,
    `def run_process(members, report):`,
    `    """Runs a process's threads; reports each non-daemon thread's end (wall clock), switches, latencies."""`,
    `    base = ctx()`,
    `    out = {}`,
    `    lock = threading.Lock()`,
    `    def run(name, program, main):`,
    `        lat = program()`,
    `        v, nv = ctx()`,
    `        if main:`,
    `            v, nv = v - base[0], nv - base[1]`,
    `        with lock:`,
    `            out[name] = {'end': time.time(), 'voluntary': v, 'involuntary': nv, 'latencies': lat}`,
    `    threads = []`,
    `    for name, program, main, daemon in members:`,
    `        if not main:`,
    `            t = threading.Thread(target=run, args=(name, program, False))`,
    `            t.daemon = daemon`,
    `            t.start()`,
    `            threads.append((t, daemon))`,
    `    for name, program, main, daemon in members:`,
    `        if main:`,
    `            run(name, program, True)`,
    `    for t, daemon in threads:`,
    `        if not daemon:`,
    `            t.join()`,
    `    if all(m[3] for m in members):`,
    `        while True:  # daemon threads only: the process lives until the run ends and kills it`,
    `            time.sleep(3600)`,
    `    report(out)`,
    ``,
    `def main():`,
    `    ${setting}`,
    `    children = []`,
    `    for proc, members in PROCESSES:`,
    `        if proc == 'main':`,
    `            continue`,
    `        go_r, go_w = os.pipe()`,
    `        res_r, res_w = os.pipe()`,
    `        pid = os.fork()`,
    `        if pid == 0:`,
    `            os.close(go_w)`,
    `            os.read(go_r, 1)`,
    `            def report(out):`,
    `                os.write(res_w, json.dumps(out).encode('ascii'))`,
    `                os._exit(0)`,
    `            try:`,
    `                run_process(members, report)`,
    `            except Exception as e:`,
    `                os.write(res_w, json.dumps({'error': '%s: %s' % (type(e).__name__, e)}).encode('ascii'))`,
    `                os._exit(1)`,
    `        os.close(go_r)`,
    `        os.close(res_w)`,
    `        children.append((pid, go_w, res_r, all(m[3] for m in members)))`,
    `    result = {}`,
    `    start = time.time()`,
    `    for pid, go_w, res_r, daemon in children:`,
    `        os.write(go_w, b'g')`,
    `    mains = [m for proc, members in PROCESSES if proc == 'main' for m in members]`,
    `    if mains:`,
    `        run_process(mains, result.update)`,
    `    for pid, go_w, res_r, daemon in children:`,
    `        if daemon:`,
    `            continue`,
    `        data = b''`,
    `        while True:`,
    `            chunk = os.read(res_r, 1 << 16)`,
    `            if not chunk:`,
    `                break`,
    `            data += chunk`,
    `        os.waitpid(pid, 0)`,
    `        got = json.loads(data.decode('ascii') or '{}')`,
    `        if 'error' in got:`,
    `            raise SystemExit('a child process failed: ' + got['error'])`,
    `        result.update(got)`,
    `    for pid, go_w, res_r, daemon in children:`,
    `        if daemon:`,
    `            os.kill(pid, signal.SIGKILL)`,
    `            os.waitpid(pid, 0)`,
    `    ends = [r['end'] for r in result.values()]`,
    `    print(json.dumps({'gil_top_verify': 1, 'python': '%d.%d.%d' % tuple(sys.version_info[:3]),`,
    `                      'seconds': (max(ends) if ends else time.time()) - start, 'threads': result}))`,
    `    sys.stdout.flush()`,
    `    os._exit(0)  # daemon threads are abandoned, as in the model`,
    ``,
    `main()`,
    ``,
  ].join('\n');
}
