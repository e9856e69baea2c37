import type { Segment } from './view-model.js';

/** SGR foreground codes for the colour names the view model uses (Ink's names). */
const fg: Record<string, number> = {
  black: 30, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36, white: 37, gray: 90,
  redBright: 91, greenBright: 92, yellowBright: 93, blueBright: 94, magentaBright: 95, cyanBright: 96, whiteBright: 97,
};

const colour = process.env.NO_COLOR === undefined || process.env.NO_COLOR === '';

/**
 * Coloured runs as one string with SGR codes. A strip of a hundred alternating runs drawn as one
 * Ink <Text> instead of a hundred keeps a frame's layout cheap (fewer nodes for Yoga).
 */
export function ansiLine(segments: Segment[]): string {
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i];
    if (!colour || (s.color === undefined && !s.bold && !s.inverse)) {
      out += s.text;
      continue;
    }
    // Runs of one style share one pair of codes (a grid of 256 cores, mostly idle, is a few
    // runs, not 256): Ink's output tokenizes every code of every line of every frame.
    let text = s.text;
    while (i + 1 < segments.length && sameStyle(s, segments[i + 1])) text += segments[++i].text;
    let open = '';
    let close = '';
    if (s.color !== undefined && fg[s.color] !== undefined) {
      open += `\x1b[${fg[s.color]}m`;
      close = '\x1b[39m' + close;
    }
    if (s.bold) {
      open += '\x1b[1m';
      close = '\x1b[22m' + close;
    }
    if (s.inverse) {
      open += '\x1b[7m';
      close = '\x1b[27m' + close;
    }
    out += open + text + close;
  }
  return out;
}

/** Whether two runs are drawn alike. */
function sameStyle(a: Segment, b: Segment): boolean {
  return a.color === b.color && a.bold === b.bold && a.inverse === b.inverse;
}
