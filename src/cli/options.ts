import { parseArgs } from 'node:util';
import { InputError } from '../config/input-error.js';
import { limits } from '../config/preset-schema.js';
import { policyNames, type PolicyName } from '../model/index.js';

/** The commands, each with the options it accepts. The dashboard is the command with no name. */
export const commands = {
  dashboard: ['preset', 'policy', 'cores', 'check-interval', 'switch-interval', 'seed', 'speed', 'record', 'force', 'help', 'version'],
  run: ['preset', 'policy', 'cores', 'check-interval', 'switch-interval', 'seed', 'json', 'record', 'force', 'help'],
  reproduce: ['json', 'markdown', 'help'],
  compare: ['preset', 'policies', 'cores', 'check-interval', 'switch-interval', 'seed', 'json', 'markdown', 'help'],
  sweep: ['preset', 'param', 'steps', 'log', 'policy', 'policies', 'cores', 'check-interval', 'switch-interval', 'seed', 'json', 'csv', 'help'],
  replay: ['json', 'help'],
  export: ['perfetto', 'force', 'help'],
  presets: ['json', 'help'],
  calibrate: ['python', 'out', 'base', 'force', 'quick', 'help'],
  verify: ['preset', 'python', 'profile', 'json', 'help'],
} as const;
export type CommandName = keyof typeof commands;

/** Every option: its type and a one-line help. One table drives parsing and `--help`. */
export const options = {
  preset: { type: 'string', short: 'p', help: 'preset name (see `gil-top presets`) or path to a preset .json' },
  policy: { type: 'string', help: `GIL policy: ${policyNames.join(', ')}` },
  policies: { type: 'string', help: 'compare, sweep: policies to run, comma-separated (compare: default all)' },
  param: { type: 'string', multiple: true, help: 'sweep: NAME=LO..HI or NAME=A,B,C; twice for a table (switch-interval, check-interval, cores)' },
  steps: { type: 'string', help: 'sweep: points in a LO..HI range (default 8, or each whole number up to 16)' },
  log: { type: 'boolean', help: 'sweep: space the points geometrically' },
  csv: { type: 'boolean', help: 'print CSV (one line per point)' },
  cores: { type: 'string', short: 'c', help: `number of simulated cores (${limits.cores.min}-${limits.cores.max})` },
  'check-interval': { type: 'string', help: 'Python 2 check interval in ticks (sys.setcheckinterval)' },
  'switch-interval': { type: 'string', help: 'Python 3 switch interval in seconds (sys.setswitchinterval)' },
  seed: { type: 'string', help: 'seed for the simulation\'s random choices' },
  speed: { type: 'string', help: 'simulated seconds per wall second at start (e.g. 0.001 for slow motion, or max)' },
  json: { type: 'boolean', help: 'print one JSON object instead of text' },
  markdown: { type: 'boolean', help: 'print a Markdown table' },
  record: { type: 'string', help: 'record the session to this JSON file' },
  perfetto: { type: 'string', help: 'write a Chrome Trace Event JSON file for Perfetto' },
  force: { type: 'boolean', help: 'overwrite an existing output file' },
  python: { type: 'string', multiple: true, help: 'a Python interpreter (calibrate: repeat for several; default: pyenv versions and PATH)' },
  out: { type: 'string', help: 'calibrate: the machine profile to write (default gil-top-profile.json)' },
  base: { type: 'string', help: 'calibrate: profile for the values no probe measures (default epyc-vm)' },
  quick: { type: 'boolean', help: 'calibrate: small, fast probes (rough figures)' },
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

/** Parses argv (without `node` and the script); bad input throws one InputError line. */
export function parseCommandLine(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: Object.fromEntries(Object.entries(options).map(([k, v]) => [k, { type: v.type, ...('short' in v ? { short: v.short } : {}), ...('multiple' in v ? { multiple: v.multiple } : {}) }])),
      allowPositionals: true,
      strict: true,
    });
  } catch (e) {
    throw new InputError((e as Error).message.split('\n')[0].replace(/^Unknown option '(.*)'.*$/, 'unknown option $1 (see gil-top --help)'));
  }
  const [first, ...rest] = parsed.positionals;
  let command: CommandName = 'dashboard';
  let args = parsed.positionals;
  if (first !== undefined) {
    if (!(first in commands) || first === 'dashboard') throw new InputError(`unknown command "${first}" (commands: ${Object.keys(commands).filter((c) => c !== 'dashboard').join(', ')})`);
    command = first as CommandName;
    args = rest;
  }
  const allowed: readonly string[] = commands[command];
  for (const name of Object.keys(parsed.values))
    if (!allowed.includes(name)) throw new InputError(`--${name} does not apply to ${command === 'dashboard' ? 'the dashboard' : `"${command}"`}`);
  return { command, args, values: parsed.values as Parsed['values'] };
}

/** `--policy`, validated. */
export function policyOption(v: unknown): PolicyName | undefined {
  if (v === undefined) return undefined;
  if (!policyNames.includes(v as PolicyName)) throw new InputError(`--policy: unknown policy "${String(v)}" (known: ${policyNames.join(', ')})`);
  return v as PolicyName;
}

/** A numeric option within bounds, or one clear line. */
export function numberOption(name: string, v: unknown, min: number, max: number, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (String(v).trim() === '' || !Number.isFinite(n)) throw new InputError(`--${name}: "${String(v)}" is not a number`);
  if (integer && !Number.isInteger(n)) throw new InputError(`--${name}: ${String(v)} must be a whole number`);
  if (n < min || n > max) throw new InputError(`--${name}: ${String(v)} is out of range (${min} to ${max})`);
  return n;
}

/** The overrides of a preset given on the command line. */
export function overridesFrom(values: Parsed['values']) {
  return {
    policy: policyOption(values.policy),
    cores: numberOption('cores', values.cores, limits.cores.min, limits.cores.max, true),
    checkInterval: numberOption('check-interval', values['check-interval'], limits.checkInterval.min, limits.checkInterval.max, true),
    switchInterval: numberOption('switch-interval', values['switch-interval'], limits.switchInterval.min, limits.switchInterval.max, false),
    seed: values.seed === undefined ? undefined : String(values.seed),
  };
}

/** The help text, generated from the tables above so that it cannot drift. */
export function helpText(): string {
  const lines = [
    'gil-top: a live simulation of the Python GIL on a simulated multi-core Linux machine',
    '',
    'Usage',
    '  gil-top [options]                 open the dashboard (default preset: py2-threads-2cores)',
    '  gil-top run --preset NAME [...]   run a preset to the end without a screen and print a summary',
    '  gil-top reproduce                 run every preset with a published figure and compare',
    '  gil-top compare --preset NAME [--policies a,b]',
    '                                    the same workload and seed under each policy, one table',
    '  gil-top sweep --preset NAME --param NAME=LO..HI [--steps N] [--log]',
    '                                    run a parameter range in parallel, plot it (two --param: a table)',
    '  gil-top replay FILE               play a recorded session back (--json: headless check)',
    '  gil-top export FILE --perfetto OUT.json',
    '                                    write a recorded session as a Perfetto / chrome://tracing trace',
    '  gil-top presets                   list the presets',
    '  gil-top calibrate [--python PATH]... [--out FILE]',
    '                                    measure this machine and its Pythons; write a machine profile',
    '  gil-top verify --preset NAME --python PATH',
    '                                    run a preset on a real Python and in the simulation, side by side',
    '',
    'Options',
  ];
  for (const [name, o] of Object.entries(options)) {
    const flag = `${'short' in o ? `-${o.short}, ` : '    '}--${name}${o.type === 'string' ? ' VALUE' : ''}`;
    lines.push(`  ${flag.padEnd(30)}${o.help}`);
  }
  lines.push('', 'Bad input prints one line and exits with status 2.');
  return lines.join('\n');
}
