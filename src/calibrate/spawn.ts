import { spawn } from 'node:child_process';

/** What a finished (or killed) command left behind. */
export interface Finished {
  exitCode: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  seconds: number;
  /** Set when the command could not be started at all (ENOENT, EACCES ...). */
  spawnError?: NodeJS.ErrnoException;
}

/**
 * Runs a command to its end or its timeout. It gets a process group of its own, so a timeout
 * kills whatever it forked too (the probes fork helper processes) and nothing is left running.
 */
export function runCommand(cmd: readonly string[], timeoutS: number, options: { env?: NodeJS.ProcessEnv; onStdout?: (chunk: string) => void } = {}): Promise<Finished> {
  const start = performance.now();
  return new Promise((done) => {
    const child = spawn(cmd[0], cmd.slice(1), { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let spawnError: NodeJS.ErrnoException | undefined;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      options.onStdout?.(c);
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
      if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      try {
        if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }, timeoutS * 1000);
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e;
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      done({ exitCode: code, signal, stdout, stderr, timedOut, seconds: (performance.now() - start) / 1000, spawnError });
    });
  });
}

/** The last `n` non-empty lines of a text, joined with " | " (for one-line error messages). */
export function lastLines(text: string, n = 1): string {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .slice(-n)
    .join(' | ');
}
