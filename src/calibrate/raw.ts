/**
 * What a calibration records: every probe run with its command, its raw output and the load at
 * the time. The fitting (src/calibrate/fit) reads only this, so it can be re-done, and tested, on
 * recorded output without a Python.
 */

/** An interpreter calibrate was given or found, and what it turned out to be. */
export interface InterpreterInfo {
  /** The path as given or found. */
  path: string;
  /** 'X.Y.Z', or null when it could not be run. */
  version: string | null;
  /** sys.executable, resolved: two paths to one binary count once. */
  executable: string | null;
  /** platform.python_implementation(). */
  implementation: string | null;
  /** Free-threaded build with the GIL off (sys._is_gil_enabled() false). */
  freeThreaded: boolean;
  /** Why it is not used, one line; absent when usable. */
  problem?: string;
}

/** One run of one probe (or of the GIL battle, possibly under perf). */
export interface ProbeRun {
  /** The probe's name: its script without `.py`. */
  probe: string;
  /** Interpreter version it ran under. */
  python: string;
  /** The command line, as run (taskset and perf included). */
  command: string[];
  /** Parameters the fitting needs beside the output (CPUs, check interval, under perf ...). */
  params: Record<string, string | number | boolean | null>;
  /** ISO time it started. */
  startedAt: string;
  /** Wall seconds it took. */
  seconds: number;
  /** /proc/loadavg's three figures when it started (null where unreadable). */
  loadavg: number[] | null;
  /** Exit status, null when killed. */
  exitCode: number | null;
  timedOut: boolean;
  /** One line on why it failed; absent when it ran to the end with status 0. */
  error?: string;
  /** Everything it printed on stdout (JSON lines). */
  stdout: string;
  /** The last lines it printed on stderr. */
  stderr: string;
  /** perf stat's CSV output, for runs under perf. */
  perfCsv?: string;
}

/** The whole raw output of `gil-top calibrate`, written beside the profile. */
export interface RawCalibration {
  tool: string;
  date: string;
  options: { quick: boolean; base: string; pythons: string[] };
  machine: { cpuModel: string | null; cpus: number; kernel: string; hostname: string };
  loadavg: { start: number[] | null; end: number[] | null };
  interpreters: InterpreterInfo[];
  perf: { available: boolean; reason: string };
  runs: ProbeRun[];
}

/** A probe's output line: a JSON object with the probe's name and the record's. */
export interface ProbeRecord {
  probe: string;
  name: string;
  [field: string]: unknown;
}

/** The records a run printed (lines that are JSON objects with `probe` and `name`). */
export function recordsOf(run: Pick<ProbeRun, 'stdout'>): ProbeRecord[] {
  const out: ProbeRecord[] = [];
  for (const line of run.stdout.split('\n')) {
    const s = line.trim();
    if (!s.startsWith('{')) continue;
    try {
      const r = JSON.parse(s) as unknown;
      if (r !== null && typeof r === 'object' && typeof (r as ProbeRecord).probe === 'string' && typeof (r as ProbeRecord).name === 'string') out.push(r as ProbeRecord);
    } catch {
      // a line cut short by a timeout: the records before it still count
    }
  }
  return out;
}
