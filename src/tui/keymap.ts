/** What a key does; the controller carries it out. */
export type KeyAction =
  | 'quit'
  | 'togglePause'
  | 'stepEvent'
  | 'stepMillisecond'
  | 'faster'
  | 'slower'
  | 'cyclePolicy'
  | 'intervalDown'
  | 'intervalUp'
  | 'coreAdd'
  | 'coreRemove'
  | 'signal'
  | 'zoomIn'
  | 'zoomOut'
  | 'restart'
  | 'presets'
  | 'record'
  | 'help';

/** The parts of a key press the table looks at (a subset of Ink's `Key`). */
export interface KeyPress {
  input: string;
  ctrl?: boolean;
  escape?: boolean;
  return?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  f1?: boolean;
}

/** One row of the keymap: drives key handling, the help overlay and the footer. */
export interface KeyBinding {
  /** Characters that trigger it (as Ink reports `input`). */
  inputs: string[];
  /** Characters that trigger it with Ctrl held (Ctrl+C). */
  ctrlInputs?: string[];
  /** How the key is written in the help and the footer. */
  label: string;
  /** Short word for the footer; absent: the key is only in the help. */
  footer?: string;
  /** One line for the help overlay. */
  description: string;
  action: KeyAction;
}

/** The keys, in the order the help lists them. Habits of htop, btop and bottom. */
export const keymap: readonly KeyBinding[] = [
  { inputs: ['?', 'h'], label: '?', footer: 'help', description: 'show or hide this help (h also works; Esc closes)', action: 'help' },
  { inputs: [' '], label: 'space', footer: 'pause', description: 'pause or resume the simulation', action: 'togglePause' },
  { inputs: ['.', 's'], label: '. s', footer: 'step', description: 'step one event (pauses first)', action: 'stepEvent' },
  { inputs: [',', 'm'], label: ', m', description: 'step one simulated millisecond (pauses first)', action: 'stepMillisecond' },
  { inputs: ['+', '='], label: '+', footer: 'faster', description: 'speed up (up to "max": as fast as the engine runs)', action: 'faster' },
  { inputs: ['-', '_'], label: '-', footer: 'slower', description: 'slow down (down to 0.0001x: slow motion)', action: 'slower' },
  { inputs: ['p'], label: 'p', footer: 'policy', description: 'cycle the GIL policy: py2 -> py3 -> free-threaded', action: 'cyclePolicy' },
  { inputs: ['i'], label: 'i', description: 'lower the interval (py2 check interval, py3 switch interval)', action: 'intervalDown' },
  { inputs: ['I'], label: 'I', footer: 'interval', description: 'raise the interval (py2 check interval, py3 switch interval)', action: 'intervalUp' },
  { inputs: ['c'], label: 'c', description: 'remove a core', action: 'coreRemove' },
  { inputs: ['C'], label: 'C', footer: 'cores', description: 'add a core', action: 'coreAdd' },
  { inputs: ['k'], label: 'k', description: 'send SIGINT to the simulated program (a pending call for the main thread)', action: 'signal' },
  { inputs: ['['], label: '[', description: 'timeline: show a shorter span (zoom in)', action: 'zoomIn' },
  { inputs: [']'], label: ']', description: 'timeline: show a longer span (zoom out)', action: 'zoomOut' },
  { inputs: ['R'], label: 'R', footer: 'restart', description: 'restart the run from the beginning (same preset and settings)', action: 'restart' },
  { inputs: ['l'], label: 'l', footer: 'presets', description: 'pick another preset from a list', action: 'presets' },
  { inputs: ['r'], label: 'r', description: 'start or stop recording the session (to gil-top-PRESET-TIME.jsonl here)', action: 'record' },
  { inputs: ['q'], ctrlInputs: ['c'], label: 'q ^C', footer: 'quit', description: 'quit, restoring the terminal', action: 'quit' },
];

/** The binding a key press triggers, if any. */
export function bindingFor(k: KeyPress): KeyBinding | undefined {
  if (k.f1) return keymap.find((b) => b.action === 'help');
  if (k.ctrl) return keymap.find((b) => b.ctrlInputs?.includes(k.input));
  return keymap.find((b) => b.inputs.includes(k.input));
}

/** Actions that change the run: off while a recording plays back (it is read-only). */
export const runChangingActions: ReadonlySet<KeyAction> = new Set<KeyAction>(['cyclePolicy', 'intervalDown', 'intervalUp', 'coreAdd', 'coreRemove', 'signal', 'restart', 'presets', 'record']);

/** The one-line footer: `?:help space:pause ...`, cut to `width` (without the keys in `off`). */
export function footerText(width: number, off: ReadonlySet<KeyAction> = new Set()): string {
  let out = '';
  for (const b of keymap) {
    if (b.footer === undefined || off.has(b.action)) continue;
    const part = `${b.label.split(' ')[0]} ${b.footer}`;
    if (out.length + part.length + 2 > width) break;
    out += (out === '' ? '' : '  ') + part;
  }
  return out;
}
