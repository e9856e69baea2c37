import { parseArgs } from 'node:util';
import { InputError } from '../config/input-error.js';
import { limits } from '../config/preset-schema.js';
import { didYouMean, ownValue, quote } from '../config/read-input.js';
import { policyNames, type PolicyName } from '../model/index.js';
import { defaultMaxWallSeconds } from '../session/wall-budget.js';
import { wrap } from '../tui/format.js';

/** The commands, each with the options it accepts. The dashboard is the command with no name. */
export const commands = {
  dashboard: ['preset', 'policy', 'cores', 'check-interval', 'switch-interval', 'seed', 'speed', 'record', 'force', 'help', 'version'],
  run: ['preset', 'policy', 'cores', 'check-interval', 'switch-interval', 'seed', 'json', 'record', 'force', 'max-wall', 'help'],
  reproduce: ['json', 'markdown', 'sensitivity', 'help'],
  compare: ['preset', 'policies', 'cores', 'check-interval', 'switch-interval', 'seed', 'json', 'markdown', 'help'],
  sweep: ['preset', 'param', 'steps', 'log', 'policy', 'policies', 'cores', 'check-interval', 'switch-interval', 'seed', 'json', 'csv', 'help'],
  replay: ['json', 'max-wall', 'help'],
  export: ['perfetto', 'svg', 'from', 'to', 'force', 'max-wall', 'help'],
  presets: ['json', 'help'],
  calibrate: ['python', 'out', 'base', 'force', 'quick', 'from-raw', 'help'],
  verify: ['preset', 'python', 'profile', 'json', 'help'],
} as const;
export type CommandName = keyof typeof commands;

/** Every option: its type and a one-line help. One table drives parsing and `--help`. */
export const options = {
  preset: { type: 'string', short: 'p', help: 'preset name (see `gil-top presets`) or path to a preset .json' },
  policy: { type: 'string', help: `GIL policy: ${policyNames.join(', ')}` },
  policies: { type: 'string', help: 'compare, sweep: policies to run, comma-separated (compare: default all)' },
  param: { type: 'string', multiple: true, help: 'sweep: NAME=LO..HI or NAME=A,B,C; twice for a table (switch-interval, check-interval, cores, threads, processes)' },
  steps: { type: 'string', help: 'sweep: points in a LO..HI range (default 8, or each whole number up to 16)' },
  log: { type: 'boolean', help: 'sweep: space the points geometrically' },
  csv: { type: 'boolean', help: 'print CSV (one line per point)' },
  sensitivity: { type: 'boolean', help: 'reproduce: vary each machine-profile value by 20% and show what each figure hangs on' },
  cores: { type: 'string', short: 'c', help: `number of simulated cores (${limits.cores.min}-${limits.cores.max})` },
  'check-interval': { type: 'string', help: 'Python 2 check interval in ticks (sys.setcheckinterval)' },
  'switch-interval': { type: 'string', help: 'Python 3 switch interval in seconds (sys.setswitchinterval)' },
  seed: { type: 'string', help: 'seed for the simulation\'s random choices' },
  speed: { type: 'string', help: 'simulated seconds per wall second at start (e.g. 0.001 for slow motion, or max)' },
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  markdown: { type: 'boolean', help: 'print a Markdown table' },
  record: { type: 'string', help: 'record the session to this JSON file' },
  perfetto: { type: 'string', help: 'write a Chrome Trace Event JSON file for Perfetto' },
  svg: { type: 'string', help: 'export: write the strips and charts of a session as an SVG figure' },
  from: { type: 'string', help: 'export: start of the stretch to export, simulated seconds (default 0)' },
  to: { type: 'string', help: 'export: end of the stretch to export, simulated seconds (default: the end)' },
  force: { type: 'boolean', help: 'overwrite an existing output file (a regular file only)' },
  'max-wall': { type: 'string', help: `stop a headless command after this many wall-clock seconds (default ${defaultMaxWallSeconds})` },
  python: { type: 'string', multiple: true, help: 'a Python interpreter (calibrate: repeat for several; default: pyenv versions and PATH)' },
  out: { type: 'string', help: 'calibrate: the machine profile to write (default gil-top-profile.json)' },
  base: { type: 'string', help: 'calibrate: profile for the values no probe measures (default epyc-vm)' },
  quick: { type: 'boolean', help: 'calibrate: small, fast probes (rough figures)' },
  'from-raw': { type: 'string', help: 'calibrate: fit the raw output of an earlier calibration again (no probe runs)' },
  profile: { type: 'string', help: 'verify: machine profile for the simulation (default: the preset\'s)' },
  help: { type: 'boolean', short: 'h', help: 'show help' },
  version: { type: 'boolean', short: 'v', help: 'show the version' },
} as const;
type OptionName = keyof typeof options;

/** The parsed command line. */
export interface Parsed {
  command: CommandName;
  /** Positional arguments after the command (a file for replay and export). */
  args: string[];
  values: Partial<Record<OptionName, string | boolean | string[]>>;
}

/** Options that take a value, by long and short name, to their long name. */
const valued = new Map(Object.entries(options).flatMap(([k, o]) => (o.type === 'string' ? [[`--${k}`, k], ...('short' in o ? [[`-${o.short}`, k] as const] : [])] : [])));
/** A negative number, which would otherwise read as an option. */
const negative = /^-(\d|\.\d)/;

/** Parses argv (without `node` and the script); bad input throws one InputError line. */
export function parseCommandLine(argv: string[]): Parsed {
  // `--cores -1` is an out-of-range number, not a missing value: keep the value with its option.
  const args: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--') {
      args.push(...argv.slice(i));
      break;
    }
    if (valued.has(argv[i]) && i + 1 < argv.length && negative.test(argv[i + 1])) args.push(`--${valued.get(argv[i])}=${argv[++i]}`);
    else args.push(argv[i]);
  }
  const parsed = parseArgs({
    args,
    options: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, { type: v.type, ...('short' in v ? { short: v.short } : {}), ...('multiple' in v ? { multiple: v.multiple } : {}) }])),
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const values: Parsed['values'] = {};
  for (const t of parsed.tokens) {
    if (t.kind !== 'option') continue;
    const o = ownValue<{ type: string; multiple?: boolean }>(options, t.name);
    if (o === undefined) {
      const guess = didYouMean(t.name, Object.keys(options));
      throw new InputError(`unknown option ${quote(t.rawName, 40)}${guess === null ? '' : ` (did you mean --${guess}?)`}; see gil-top --help`);
    }
    if (o.type === 'string' && t.value === undefined) throw new InputError(`${t.rawName} needs a value (see gil-top --help)`);
    if (o.type === 'boolean' && t.inlineValue === true) throw new InputError(`--${t.name} takes no value`);
    if (o.multiple === true) {
      values[t.name as OptionName] = [...((values[t.name as OptionName] as string[] | undefined) ?? []), t.value!];
      continue;
    }
    if (Object.hasOwn(values, t.name) && values[t.name as OptionName] !== (o.type === 'string' ? t.value : true))
      throw new InputError(`--${t.name} is given twice`);
    values[t.name as OptionName] = o.type === 'string' ? t.value! : true;
  }
  const [first, ...rest] = parsed.positionals;
  let command: CommandName = 'dashboard';
  let positional = parsed.positionals;
  if (first !== undefined) {
    const names = Object.keys(commands).filter((c) => c !== 'dashboard');
    if (!names.includes(first)) {
      const guess = didYouMean(first, names);
      throw new InputError(`unknown command ${quote(first, 40)} (${guess === null ? `commands: ${names.join(', ')}` : `did you mean "${guess}"?`})`);
    }
    command = first as CommandName;
    positional = rest;
  }
  const allowed: readonly string[] = commands[command];
  for (const name of Object.keys(values))
    if (!allowed.includes(name)) throw new InputError(`--${name} does not apply to ${command === 'dashboard' ? 'the dashboard' : `"${command}"`}`);
  return { command, args: positional, values };
}

/** `--policy`, validated. */
export function policyOption(v: unknown): PolicyName | undefined {
  if (v === undefined) return undefined;
  if (!policyNames.includes(v as PolicyName)) {
    const guess = didYouMean(String(v), policyNames);
    throw new InputError(`--policy: unknown policy ${quote(v, 40)} (${guess === null ? `known: ${policyNames.join(', ')}` : `did you mean "${guess}"?`})`);
  }
  return v as PolicyName;
}

/** A plain decimal number (no hex, binary, spaces, Infinity or NaN). */
const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A numeric option within bounds, or one clear line. */
export function numberOption(name: string, v: unknown, min: number, max: number, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const s = String(v);
  const n = Number(s);
  if (!decimal.test(s) || !Number.isFinite(n)) throw new InputError(`--${name}: ${quote(s, 40)} is not a ${integer ? 'whole ' : ''}number`);
  if (integer && !Number.isInteger(n)) throw new InputError(`--${name}: ${s} must be a whole number`);
  if (n < min || n > max) throw new InputError(`--${name}: ${s} is out of range (${min} to ${max})`);
  return n;
}

/** `--max-wall`: wall-clock seconds a headless command may take (the default when absent). */
export function maxWallOption(v: unknown): number {
  return numberOption('max-wall', v, 0.001, 1e7, false) ?? defaultMaxWallSeconds;
}

/** The overrides of a preset given on the command line. */
export function overridesFrom(values: Parsed['values']) {
  return {
    policy: policyOption(values.policy),
    cores: numberOption('cores', values.cores, limits.cores.min, limits.cores.max, true),
    checkInterval: numberOption('check-interval', values['check-interval'], limits.checkInterval.min, limits.checkInterval.max, true),
    switchInterval: numberOption('switch-interval', values['switch-interval'], limits.switchInterval.min, limits.switchInterval.max, false),
    seed: values.seed === undefined ? undefined : seedOption(String(values.seed)),
  };
}

/** `--seed`: any text up to 200 characters without control characters. */
function seedOption(s: string): string {
  // eslint-disable-next-line no-control-regex
  if (s.length > 200 || /[\u0000-\u001f\u007f-\u009f]/.test(s)) throw new InputError(`--seed: ${quote(s, 40)} must be at most 200 characters without control characters`);
  return s;
}

/** Each command's synopsis and what it does, in the order `--help` lists them (every command has one: the type says so). */
const usage: Record<CommandName, [synopsis: string, what: string]> = {
  dashboard: ['gil-top [options]', 'open the dashboard (default preset: py2-threads-2cores)'],
  run: ['gil-top run --preset NAME [...]', 'run a preset to the end without a screen and print a summary'],
  reproduce: ['gil-top reproduce', 'run every preset with a published figure and compare'],
  compare: ['gil-top compare --preset NAME', 'run one workload under each policy, side by side'],
  sweep: ['gil-top sweep --preset NAME --param NAME=LO..HI', 'vary an interval, the cores, threads or processes; a table of outcomes'],
  replay: ['gil-top replay FILE', 'play a recorded session back (--json: headless check)'],
  export: [
    'gil-top export FILE --perfetto OUT.json | --svg OUT.svg [--from S] [--to S]',
    'write a recorded session as a Perfetto / chrome://tracing trace, or as a figure (Beazley-style strips and charts) for a slide',
  ],
  presets: ['gil-top presets', 'list the presets'],
  calibrate: ['gil-top calibrate [--python PATH]... [--out FILE]', 'measure this machine and its Pythons; write a machine profile'],
  verify: ['gil-top verify --preset NAME --python PATH', 'run a preset on a real Python and in the simulation, side by side'],
};

/** Columns `--help` keeps to. */
const helpWidth = 120;

/** `head`, then `text` from column `indent` on, wrapped to the help's width (a head too long for its column gets a line of its own). */
function entry(head: string, text: string, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const [first, ...rest] = wrap(text, helpWidth - indent, Infinity);
  const lead = head.length < indent ? [head.padEnd(indent) + first] : [head, pad + first];
  return [...lead, ...rest.map((l) => pad + l)];
}

/** The help text, generated from the tables above so that it cannot drift. */
export function helpText(): string {
  const lines = [
    'gil-top: a live simulation of the Python GIL on a simulated multi-core Linux machine',
    '',
    'Usage',
    ...Object.values(usage).flatMap(([synopsis, what]) => entry(`  ${synopsis}`, what, 36)),
    '',
    'Options',
  ];
  for (const [name, o] of Object.entries(options)) {
    const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    lines.push(...entry(`  ${flag}`, o.help, 32));
  }
  lines.push('', 'Exit status: 0 done (replay: it matches), 1 replay does not verify or a file could not be written,', '2 bad input (one line says what, where and why), 3 stopped by --max-wall.');
  return lines.join('\n');
}
