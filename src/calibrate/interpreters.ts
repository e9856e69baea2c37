import { accessSync, constants, existsSync, readdirSync, realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { InterpreterInfo } from './raw.js';
import { lastLines, runCommand } from './spawn.js';

/** Python 2 and 3 alike: one line saying what this interpreter is. */
const identifyScript =
  "import sys, platform, os; g = getattr(sys, '_is_gil_enabled', None); " +
  "sys.stdout.write('gil-top-python|%d.%d.%d|%s|%s|%s\\n' % (sys.version_info[0], sys.version_info[1], sys.version_info[2], platform.python_implementation(), os.path.realpath(sys.executable), 'nogil' if (g is not None and not g()) else 'gil'))";

const isExecutable = (f: string) => {
  try {
    accessSync(f, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

/** Interpreters to try when none is given: every pyenv version, then python2.7/python2/python3/python on PATH. */
export function candidatePaths(env: NodeJS.ProcessEnv = process.env): string[] {
  const out: string[] = [];
  const versions = join(env.PYENV_ROOT ?? join(homedir(), '.pyenv'), 'versions');
  if (existsSync(versions))
    for (const v of readdirSync(versions).sort()) {
      const p = join(versions, v, 'bin', 'python');
      if (existsSync(p)) out.push(p);
    }
  for (const name of ['python2.7', 'python2', 'python3', 'python'])
    for (const dir of (env.PATH ?? '').split(delimiter)) {
      const p = join(dir, name);
      if (dir !== '' && existsSync(p) && isExecutable(p)) {
        out.push(p);
        break;
      }
    }
  return out;
}

/** Runs the interpreter once to learn what it is; a path that is not a usable CPython gets a `problem`. */
export async function identify(path: string): Promise<InterpreterInfo> {
  const info: InterpreterInfo = { path, version: null, executable: null, implementation: null, freeThreaded: false };
  if (!existsSync(path)) return { ...info, problem: 'no such file' };
  const r = await runCommand([path, '-c', identifyScript], 30);
  if (r.spawnError) return { ...info, problem: `cannot be run (${r.spawnError.code ?? r.spawnError.message})` };
  if (r.timedOut) return { ...info, problem: 'did not answer within 30 s' };
  const line = r.stdout.split('\n').find((l) => l.startsWith('gil-top-python|'));
  if (r.exitCode !== 0 || line === undefined)
    return { ...info, problem: `not a Python interpreter (exit status ${r.exitCode ?? r.signal}${lastLines(r.stdout + '\n' + r.stderr) ? `: ${lastLines(r.stdout + '\n' + r.stderr).slice(0, 120)}` : ''})` };
  const [, version, implementation, executable, gil] = line.split('|');
  const found: InterpreterInfo = { path, version, implementation, executable: safeRealpath(executable), freeThreaded: gil === 'nogil' };
  const [major, minor] = version.split('.').map(Number);
  if (implementation !== 'CPython') return { ...found, problem: `${implementation} ${version}, not CPython: the probes read CPython's internals` };
  if (!((major === 2 && minor === 7) || (major === 3 && minor >= 6))) return { ...found, problem: `Python ${version}: the probes need 2.7 or 3.6 and later` };
  return found;
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

/** Identifies every path, dropping later paths to an executable already seen (a shim and its target). */
export async function identifyAll(paths: readonly string[]): Promise<InterpreterInfo[]> {
  const out: InterpreterInfo[] = [];
  const seen = new Set<string>();
  for (const p of paths) {
    const info = await identify(p);
    if (info.executable !== null && info.problem === undefined) {
      const id = `${info.executable}|${info.freeThreaded}`;
      if (seen.has(id)) continue;
      seen.add(id);
    }
    out.push(info);
  }
  return out;
}

/** Versions in order: 2.7.18 < 3.6.15 < 3.13.0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
