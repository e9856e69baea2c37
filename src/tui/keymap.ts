import { policyNames } from '../model/index.js';

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
  | 'eventLog'
  | 'help'
  | 'compare';

/** The parts of a key press the table looks at (a subset of Ink's `Key`). */
export interface KeyPress {
  input: string;
  ctrl?: boolean;
  escape?: boolean;
  return?: boolean;
  upArrow?: boolean;
  downArrow?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
  /** F1 (htop's help). */
  f1?: boolean;
  /** F10 (htop's quit). */
  f10?: boolean;
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
  /** How the footer writes the key, if not as the first word of `label`. */
  footerKey?: string;
  /** Which footer entries stay on a narrow terminal: lower ranks are dropped last. */
  footerRank?: number;
  /** One line for the help overlay. */
  description: string;
  action: KeyAction;
}

/** The keys, in the order the help lists them. Habits of htop, btop and bottom. */
export const keymap: readonly KeyBinding[] = [
  { inputs: ['?', 'h'], label: '? F1', footer: 'help', footerRank: 0, description: 'this help (h too; Esc closes it; ↑/↓ j/k PgUp/PgDn scroll it)', action: 'help' },
  { inputs: [' '], label: 'space', footer: 'pause', footerRank: 2, description: 'pause or resume the simulation', action: 'togglePause' },
  { inputs: ['.', 's'], label: '. s', footer: 'step', footerRank: 3, description: 'step one event and say what it was (pauses first)', action: 'stepEvent' },
  { inputs: [',', 'm'], label: ', m', description: 'step one simulated millisecond (pauses first)', action: 'stepMillisecond' },
  { inputs: ['+', '='], label: '+', footer: 'speed', footerKey: '+-', footerRank: 4, description: 'speed up (up to "max": as fast as the engine runs)', action: 'faster' },
  { inputs: ['-', '_'], label: '-', description: 'slow down (to 0.000001x: a py2 check every couple of seconds)', action: 'slower' },
  { inputs: ['p'], label: 'p', footer: 'policy', footerRank: 5, description: `cycle ${policyNames.join(', ')} (finished: next run)`, action: 'cyclePolicy' },
  { inputs: ['v'], label: 'v', description: 'compare view: each policy on this preset, latency curves overlaid', action: 'compare' },
  { inputs: ['i'], label: 'i', description: 'lower the interval (py2 check interval, py3 switch interval)', action: 'intervalDown' },
  { inputs: ['I'], label: 'I', footer: 'interval', footerRank: 9, description: 'raise the interval (py2 check interval, py3 switch interval)', action: 'intervalUp' },
  { inputs: ['c'], label: 'c', description: 'remove a core (finished: for the next run)', action: 'coreRemove' },
  { inputs: ['C'], label: 'C', footer: 'cores', footerRank: 10, description: 'add a core (finished: for the next run)', action: 'coreAdd' },
  { inputs: ['k'], label: 'k', description: 'send SIGINT to the program (a pending call for the main thread)', action: 'signal' },
  { inputs: ['e'], label: 'e', footer: 'events', footerRank: 6, description: 'show or hide the event log (what just happened, in words)', action: 'eventLog' },
  { inputs: ['['], label: '[', description: 'timeline: show a shorter span (zoom in)', action: 'zoomIn' },
  { inputs: [']'], label: ']', description: 'timeline: show a longer span (zoom out)', action: 'zoomOut' },
  { inputs: ['R'], label: 'R', footer: 'restart', footerRank: 8, description: 'restart the run from the beginning (same preset and settings)', action: 'restart' },
  { inputs: ['l'], label: 'l', footer: 'presets', footerRank: 7, description: 'pick another preset from a list', action: 'presets' },
  { inputs: ['r'], label: 'r', description: 'record the session, or stop (to gil-top-PRESET-TIME.jsonl here)', action: 'record' },
  { inputs: ['q'], ctrlInputs: ['c'], label: 'q ^C F10', footer: 'quit', footerRank: 1, description: 'quit, restoring the terminal', action: 'quit' },
];

/** The binding a key press triggers, if any. */
export function bindingFor(k: KeyPress): KeyBinding | undefined {
  if (k.f1) return keymap.find((b) => b.action === 'help');
  if (k.f10) return keymap.find((b) => b.action === 'quit');
  if (k.ctrl) return keymap.find((b) => b.ctrlInputs?.includes(k.input));
  return keymap.find((b) => b.inputs.includes(k.input));
}

/** Actions that change the run: off while a recording plays back (it is read-only). */
export const runChangingActions: ReadonlySet<KeyAction> = new Set<KeyAction>(['cyclePolicy', 'intervalDown', 'intervalUp', 'coreAdd', 'coreRemove', 'signal', 'restart', 'presets', 'record']);

/** Actions that cannot act on a finished run (the run is over: nothing to pause, step or signal). */
export const deadOnFinishedRun: ReadonlySet<KeyAction> = new Set<KeyAction>(['togglePause', 'stepEvent', 'stepMillisecond', 'signal', 'record', 'intervalDown', 'intervalUp']);

/**
 * The one-line footer, `? help  space pause ...` in keymap order, cut to `width` by dropping the
 * entries of highest rank first (quit and help stay), without the keys in `off`.
 */
export function footerText(width: number, off: ReadonlySet<KeyAction> = new Set()): string {
  const entries = keymap.filter((b) => b.footer !== undefined && !off.has(b.action)).map((b) => ({ b, text: `${b.footerKey ?? b.label.split(' ')[0]} ${b.footer}` }));
  const join = (es: typeof entries) => es.map((e) => e.text).join('  ');
  const kept = [...entries];
  while (kept.length > 1 && join(kept).length > width) {
    const worst = kept.reduce((a, e) => ((e.b.footerRank ?? 99) > (a.b.footerRank ?? 99) ? e : a));
    kept.splice(kept.indexOf(worst), 1);
  }
  return join(kept).slice(0, width);
}
