import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from './input-error.js';
import { jsonErrorAt } from './json-error.js';

/**
 * The one door for what users hand gil-top: every preset, profile and session file is opened
 * here. It refuses anything but a regular file (a FIFO would block forever, /dev/zero would fill
 * memory), caps sizes, accepts a UTF-8 byte order mark, refuses other encodings, bounds nesting
 * before any schema walks the data, and says what is wrong in one line.
 */
export const inputLimits = {
  /** A preset or a machine profile (the shipped ones are under 10 kB). */
  fileBytes: 1 << 20,
  /** One line of a session file (its header holds a preset and a profile). */
  lineBytes: 4 << 20,
  /** Nesting of JSON objects and arrays in a preset or profile (a `repeat` nests two). */
  depth: 64,
} as const;

/** What kind of file system object a non-regular file is, for a message. */
function kindOf(s: Stats): string {
  if (s.isDirectory()) return 'a folder';
  if (s.isFIFO()) return 'a FIFO (named pipe)';
  if (s.isCharacterDevice()) return 'a character device';
  if (s.isBlockDevice()) return 'a block device';
  if (s.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Why a file could not be opened or read, as a few words. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOTDIR':
      return 'a part of its path is not a folder';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'its name is too long';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EROFS':
      return 'read-only file system';
    case 'EIO':
      return 'input/output error';
    default:
      return code ?? oneLine((e as Error).message ?? String(e));
  }
}

/**
 * Opens `file` for reading if it is a regular file (following symbolic links); returns its
 * descriptor and size. Opening does not block on a FIFO (O_NONBLOCK), and anything but a regular
 * file is refused with one line naming what it is.
 */
export function openRegularFile(file: string): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new InputError(`${file}: cannot be read (${ioReason(e)})`);
  }
  const s = fstatSync(fd);
  if (!s.isFile()) {
    closeSync(fd);
    throw new InputError(`${file}: is ${kindOf(s)}, not a regular file`);
  }
  return { fd, size: s.size };
}

/** `n` bytes for a message: `1.5 MB`, `512 kB`, `20 bytes`. */
export function formatBytes(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} kB`;
  return `${n} bytes`;
}

/**
 * Reads a whole text file of at most `maxBytes`: a regular file, UTF-8 (a leading byte order mark
 * is dropped), or one line saying why not. `what` names it in the size message ("a preset").
 */
export function readInputText(file: string, what: string, maxBytes: number = inputLimits.fileBytes): string {
  const { fd, size } = openRegularFile(file);
  let buf: Buffer;
  try {
    if (size > maxBytes) throw new InputError(`${file}: is ${formatBytes(size)}; ${what} may be at most ${formatBytes(maxBytes)}`);
    // The size can change under us: read to the end, but never past the cap.
    buf = Buffer.alloc(Math.min(maxBytes + 1, Math.max(size, 4096)));
    let n = 0;
    for (;;) {
      if (n === buf.length) {
        if (buf.length > maxBytes) throw new InputError(`${file}: is larger than ${formatBytes(maxBytes)}; ${what} may be at most that`);
        const grown = Buffer.alloc(Math.min(maxBytes + 1, buf.length * 2));
        buf.copy(grown);
        buf = grown;
      }
      const r = readSync(fd, buf, n, buf.length - n, null);
      if (r === 0) break;
      n += r;
    }
    buf = buf.subarray(0, n);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${file}: cannot be read (${ioReason(e)})`);
  } finally {
    closeSync(fd);
  }
  return decodeText(buf, file);
}

/** UTF-8 text from bytes (dropping a byte order mark), or one line naming the encoding it has. */
export function decodeText(buf: Uint8Array, where: string): string {
  if (buf[0] === 0xff && buf[1] === 0xfe) throw new InputError(`${where}: is UTF-16 text; save it as UTF-8`);
  if (buf[0] === 0xfe && buf[1] === 0xff) throw new InputError(`${where}: is UTF-16 text; save it as UTF-8`);
  const start = buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
  const zero = buf.indexOf(0, start);
  if (zero >= 0) throw new InputError(`${where}: is not text (a zero byte at offset ${zero}; UTF-16 or binary?)`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(start));
  } catch {
    throw new InputError(`${where}: is not UTF-8 text`);
  }
}

/**
 * Parses JSON text, or throws one line: where (line and column) and why it is not JSON. `lineNo`
 * is the line of a file that `text` is (a session file's line), counted from 1.
 */
export function parseJsonText(text: string, where: string, lineNo?: number): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (text.trim() === '') throw new InputError(`${where}: ${lineNo === undefined ? 'is empty (not JSON)' : `line ${lineNo} is empty`}`);
    const at = jsonErrorAt(text);
    throw new InputError(`${where}: is not JSON (line ${(lineNo ?? 1) + at.line - 1}, column ${at.column}: ${at.reason})`);
  }
}

/**
 * Throws one line if `data` nests objects and arrays deeper than `max` levels, naming where (the
 * start of the path), or has a field named `__proto__`. Walks without recursion: a schema
 * validator would overflow the stack on data nested thousands deep.
 */
export function checkDepth(data: unknown, where: string, max: number = inputLimits.depth): void {
  const stack: { v: unknown; depth: number; path: string }[] = [{ v: data, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { v, depth, path } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (depth >= max) throw new InputError(`${where}: ${shortPath(path)}: nested more than ${max} levels deep`);
    // JSON.parse makes "__proto__" an own field; copied by a validator it would set a prototype.
    if (!Array.isArray(v) && Object.hasOwn(v, '__proto__')) throw new InputError(`${where}: ${path === '' ? '(top level)' : path}: a field may not be named "__proto__"`);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push({ v: x, depth: depth + 1, path: depth < 12 ? `${path}[${i}]` : path }));
    else for (const [k, x] of Object.entries(v)) stack.push({ v: x, depth: depth + 1, path: depth < 12 ? (path === '' ? safeKey(k) : `${path}.${safeKey(k)}`) : path });
  }
}

const shortPath = (p: string) => (p === '' ? '(top level)' : `${p}...`);
const safeKey = (k: string) => (/^[A-Za-z_$][\w$]{0,40}$/.test(k) ? k : quote(k, 40));

/** Reads, decodes and parses a JSON file of at most `maxBytes`, nesting bounded. */
export function readInputJson(file: string, what: string, maxBytes: number = inputLimits.fileBytes): unknown {
  const data = parseJsonText(readInputText(file, what, maxBytes), file);
  checkDepth(data, file);
  return data;
}

/**
 * A value for a message: JSON-quoted (so control characters and escapes show as `\u001b`, never
 * reach the terminal, and a newline cannot break the line) and cut to about `max` characters.
 */
export function quote(value: unknown, max = 80): string {
  const s = typeof value === 'string' ? value : String(value);
  const cut = s.length > max ? `${s.slice(0, max)}...` : s;
  return JSON.stringify(cut).replace(/[\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * A message made safe for one terminal line: control characters (ANSI escapes, newlines) shown
 * as escapes and the whole cut to `max` characters.
 */
export function oneLine(message: string, max = 1000): string {
  // eslint-disable-next-line no-control-regex
  const clean = message.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => (c === '\n' || c === '\r' || c === '\t' ? ' ' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** `obj[key]` if `key` is the object's own property (never a prototype's: `toString`, `__proto__`). */
export function ownValue<T>(obj: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(obj, key) ? obj[key] : undefined;
}

/** The closest of `names` to `input` if it is close enough to be a likely typo, else null. */
export function didYouMean(input: string, names: readonly string[]): string | null {
  let best: string | null = null;
  let bestD = Infinity;
  const a = input.toLowerCase().slice(0, 64);
  for (const n of names) {
    const d = editDistance(a, n.toLowerCase());
    // Among names as close, one the input begins (a name typed short) comes first.
    if (d < bestD || (d === bestD && best !== null && n.toLowerCase().startsWith(a) && !best.toLowerCase().startsWith(a))) {
      bestD = d;
      best = n;
    }
  }
  return best !== null && bestD <= Math.max(1, Math.floor(Math.min(a.length, best.length) / 3)) ? best : null;
}

/** Edit distance: inserts, deletes, substitutions and swaps of two neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  return d[a.length][b.length];
}
