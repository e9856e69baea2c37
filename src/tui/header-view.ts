import { FLAT_OUT } from '../session/live-loop.js';
import { clip, fmtSimTime, fmtSpeed } from './format.js';
import type { HeaderView, Segment } from './view-model.js';

/** What the header line is made of. */
export interface HeaderInput {
  preset: string;
  policy: string;
  cores: number;
  nowNs: number;
  speed: number;
  seed: string;
  paused: boolean;
  finished: boolean;
  /** The run can never go on (threads asleep with nobody to wake them). */
  deadlocked?: boolean;
  recording: boolean;
  replay?: boolean;
  diverged?: boolean;
}

/** The badges, in the order drawn (each inverse, as ` NAME `). */
export function badgesOf(h: HeaderInput): { text: string; color: string }[] {
  const out: { text: string; color: string }[] = [];
  if (h.replay) out.push({ text: 'REPLAY', color: 'magenta' });
  if (h.paused && !h.finished) out.push({ text: 'PAUSED', color: 'yellow' });
  if (h.finished) out.push({ text: 'FINISHED', color: 'green' });
  if (h.deadlocked) out.push({ text: 'DEADLOCK', color: 'red' });
  if (h.diverged) out.push({ text: 'DIVERGED', color: 'red' });
  if (h.recording) out.push({ text: 'REC', color: 'red' });
  return out;
}

/**
 * The header: badges first (they must survive a narrow terminal), then preset, policy, cores,
 * simulated time, speed and seed. Fields keep fixed widths while they fit (so that nothing
 * jitters as the time grows); a narrower terminal drops the seed, then the labels and padding,
 * then cuts the preset name, so that the time and the speed always stay on screen.
 */
export function headerView(h: HeaderInput, width: number): HeaderView {
  const badges = badgesOf(h);
  // Drawn as `gil-top ` + ` BADGE `... + ` ` + the line.
  const room = width - 'gil-top  '.length - badges.reduce((a, b) => a + b.text.length + 2, 0);
  const cores = `${h.cores} core${h.cores === 1 ? '' : 's'}`;
  const speed = fmtSpeed(h.speed, FLAT_OUT);
  const time = fmtSimTime(h.nowNs);
  const forms = [
    [h.preset, `policy ${h.policy.padEnd(13)}`, cores.padEnd(8), `t=${time}`, `speed ${speed.padStart(9)}`, `seed ${h.seed}`],
    [h.preset, `policy ${h.policy.padEnd(13)}`, cores.padEnd(8), `t=${time}`, `speed ${speed.padStart(9)}`],
    [h.preset, `policy ${h.policy}`, cores, `t=${time}`, `speed ${speed}`, `seed ${h.seed}`],
    [h.preset, `policy ${h.policy}`, cores, `t=${time}`, `speed ${speed}`],
    [h.preset, h.policy, cores, `t=${time}`, `speed ${speed}`],
    [h.preset, h.policy, cores, `t=${time.trim()}`, speed],
  ];
  let parts = forms[forms.length - 1];
  for (const f of forms) {
    if (f.join('  ').length <= room) {
      parts = f;
      break;
    }
  }
  // Still too wide: the preset name gives way (the rest is what the user watches).
  const rest = parts.slice(1).join('  ');
  const name = clip(parts[0], Math.max(1, room - rest.length - 2));
  const line: Segment[] = [{ text: name + '  ' }];
  const policyAt = 1;
  parts.slice(1).forEach((p, i) => {
    const sep = i === parts.length - 2 ? '' : '  ';
    if (i + 1 === policyAt && p.startsWith('policy ')) line.push({ text: 'policy ' }, { text: p.slice(7), color: 'cyan', bold: true }, { text: sep });
    else if (i + 1 === policyAt) line.push({ text: p, color: 'cyan', bold: true }, { text: sep });
    else line.push({ text: p + sep });
  });
  return { badges, line };
}
