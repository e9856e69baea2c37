import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { Charts } from '../../src/tui/components/charts.js';
import { CoreBars } from '../../src/tui/components/core-bars.js';
import { Footer } from '../../src/tui/components/footer.js';
import { GilPanel } from '../../src/tui/components/gil-panel.js';
import { Header } from '../../src/tui/components/header.js';
import { HelpOverlay } from '../../src/tui/components/help-overlay.js';
import { PresetPicker } from '../../src/tui/components/preset-picker.js';
import { Tallies } from '../../src/tui/components/tallies.js';
import { Timeline } from '../../src/tui/components/timeline.js';
import { TooSmall } from '../../src/tui/components/too-small.js';
import { headerView, type HeaderInput } from '../../src/tui/header-view.js';
import { plain } from './ink-helpers.js';

const frame = (el: React.ReactElement) => plain(render(el).lastFrame());

const base: HeaderInput = { preset: 'py2-threads-2cores', policy: 'py2', cores: 2, nowNs: 1_234_567_000, speed: 0.1, seed: '1', paused: false, finished: false, recording: false };
// ink-testing-library draws 100 columns.
const header = (h: Partial<HeaderInput> = {}, width = 100) => frame(<Header header={headerView({ ...base, ...h }, width)} />);
const headerText = (h: Partial<HeaderInput>, width: number) => {
  const v = headerView({ ...base, ...h }, width);
  return 'gil-top ' + v.badges.map((b) => ` ${b.text} `).join('') + ' ' + v.line.map((s) => s.text).join('');
};

describe('Header', () => {
  it('shows preset, policy, cores, time, speed and seed on one line, fields kept apart', () => {
    expect(headerText({}, 120)).toBe('gil-top  py2-threads-2cores  policy py2            2 cores   t=   1.234567 s  speed      0.1x  seed 1');
    expect(headerText({ speed: 0.0001 }, 120)).toContain('speed   0.0001x  seed 1');
    expect(header()).toBe('gil-top  py2-threads-2cores  policy py2            2 cores   t=   1.234567 s  speed      0.1x');
  });
  it('shows the PAUSED, FINISHED and REC badges first, so that a narrow terminal keeps them', () => {
    expect(header({ preset: 'x', paused: true, recording: true })).toBe('gil-top  PAUSED  REC  x  policy py2            2 cores   t=   1.234567 s  speed      0.1x  seed 1');
    expect(header({ preset: 'x', finished: true, paused: true })).toBe('gil-top  FINISHED  x  policy py2            2 cores   t=   1.234567 s  speed      0.1x  seed 1');
  });
  it('at 80 columns keeps the time and the speed: drops the seed, then the labels, then cuts the preset name', () => {
    expect(header({}, 80)).toBe('gil-top  py2-threads-2cores  policy py2  2 cores  t=   1.234567 s  speed 0.1x');
    expect(header({ paused: true, recording: true }, 80)).toBe('gil-top  PAUSED  REC  py2-threads-2cores  py2  2 cores  t=1.234567 s  0.1x');
    const long = header({ preset: 'vm-py2-checkinterval-1000-2cores', paused: true, recording: true, policy: 'free-threaded', speed: 0.000001 }, 80);
    expect(long).toBe('gil-top  PAUSED  REC  vm-py2-c…  free-threaded  2 cores  t=1.234567 s  0.000001x');
    expect(long.length).toBeLessThanOrEqual(80);
  });
});

describe('CoreBars', () => {
  it('draws one bar per core with its share and its thread', () => {
    const rows = [
      { label: 'cpu0', filled: '|||||', fillColor: 'green', rest: '      50.0%', thread: 't1  ', color: 'cyan' },
      { label: 'cpu1', filled: '', fillColor: 'green', rest: '       0.0%', thread: '-   ', color: 'gray' },
    ];
    expect(frame(<CoreBars cores={{ form: 'bars', perLine: 1, cellWidth: 40, rows, compact: [], summary: '' }} width={40} />)).toBe(
      ['cpu0[|||||      50.0%] t1', 'cpu1[       0.0%] -'].join('\n'),
    );
  });
  it('puts several bars on a line when asked', () => {
    const rows = [0, 1, 2].map((i) => ({ label: `cpu${i}`, filled: '||', fillColor: 'green', rest: ' 20%', thread: `t${i}`, color: 'cyan' }));
    expect(frame(<CoreBars cores={{ form: 'bars', perLine: 2, cellWidth: 20, rows, compact: [], summary: '' }} width={40} />)).toBe(
      ['cpu0[|| 20%] t0     cpu1[|| 20%] t1', 'cpu2[|| 20%] t2'].join('\n'),
    );
  });
  it('falls back to one cell per core', () => {
    const compact = [[{ text: '█' }, { text: '·' }, { text: '█' }]];
    expect(frame(<CoreBars cores={{ form: 'compact', perLine: 3, cellWidth: 1, rows: [], compact, summary: '3 cores, 66.7% busy' }} width={80} />)).toBe(
      ['3 cores, 66.7% busy (one cell per core, coloured by its thread; · idle)', '█·█'].join('\n'),
    );
  });
});

describe('GilPanel', () => {
  it('draws labelled lines', () => {
    const lines = [
      { label: 'GIL py2', value: [{ text: 'holder ' }, { text: 't1' }] },
      { label: '_Py_Ticker', value: [{ text: '37 / 100' }] },
    ];
    expect(frame(<GilPanel lines={lines} width={50} />)).toBe(['GIL py2      holder t1', '_Py_Ticker   37 / 100'].join('\n'));
  });
});

describe('Timeline', () => {
  it('draws the title, the legend and one strip per thread', () => {
    const tl = {
      title: 'timeline, last 20 ms  ',
      legend: [[{ text: '█' }, { text: ' running  ' }]],
      rows: [
        { name: 't1          ', color: 'cyan', segments: [{ text: '███' }, { text: '▒▒' }] },
        { name: 't2          ', color: 'magenta', segments: [{ text: '▒▒' }, { text: '!' }, { text: '██' }] },
      ],
    };
    expect(frame(<Timeline timeline={tl} />)).toBe(['timeline, last 20 ms  █ running', 't1           │███▒▒│', 't2           │▒▒!██│'].join('\n'));
  });
  it('puts a legend too long for the title line on a line of its own', () => {
    const tl = { title: 'timeline  ', legend: [[{ text: '█' }, { text: ' a  ' }], [{ text: '!' }, { text: ' b  ' }]], rows: [{ name: 't1', color: 'cyan', segments: [{ text: '█!' }] }] };
    expect(frame(<Timeline timeline={tl} />)).toBe(['timeline  █ a', '! b', 't1 │█!│'].join('\n'));
  });
});

describe('Tallies', () => {
  it('draws ink-table tables without horizontal rules, side by side', () => {
    const tallies = {
      threads: [
        { thread: 't1', cpu: ' 50.0%' },
        { thread: 't2', cpu: '  5.0%' },
      ],
      counters: [{ counter: 'OS wake-ups', total: '   12' }],
    };
    expect(frame(<Tallies tallies={tallies} />)).toBe(
      [' thread  cpu       counter      total', ' t1       50.0%    OS wake-ups     12', ' t2        5.0%'].join('\n'),
    );
  });
});

describe('Charts', () => {
  it('draws each chart under its title', () => {
    const charts = [
      { title: 'A', lines: ['1 ┤╭', '0 ┼╯'] },
      { title: 'B', lines: ['x'] },
    ];
    expect(frame(<Charts charts={charts} height={2} width={100} />).split('\n').map((l) => l.trimEnd())).toEqual(['A' + ' '.repeat(50) + 'B', '1 ┤╭' + ' '.repeat(47) + 'x', '0 ┼╯']);
  });
});

describe('Footer, help, picker, too small', () => {
  it('footer is one line', () => {
    expect(frame(<Footer text="? help  q quit" />)).toBe('? help  q quit');
  });
  it('help lists keys and what they do', () => {
    const out = frame(<HelpOverlay rows={[{ keys: 'space', description: 'pause or resume' }, { keys: 'q ^C', description: 'quit' }]} height={6} />);
    expect(out.split('\n').map((l) => l.trimEnd())).toEqual([
      '╭' + '─'.repeat(98) + '╮',
      '│ Help (Esc or ? closes; the run goes on)' + ' '.repeat(58) + '│',
      '│ space    pause or resume' + ' '.repeat(73) + '│',
      '│ q ^C     quit' + ' '.repeat(84) + '│',
      '│' + ' '.repeat(98) + '│',
      '╰' + '─'.repeat(98) + '╯',
    ]);
  });
  it('picker marks the selected preset; a long name never runs into its title', () => {
    const out = frame(<PresetPicker names={['a', 'vm-py2-checkinterval-1000-2cores']} titles={['A title', 'B title']} selected={1} height={5} />);
    expect(out.split('\n').slice(1, 4).map((l) => l.trimEnd())).toEqual([
      '│ Pick a preset (↑/↓ or j/k, Enter loads, Esc cancels)' + ' '.repeat(45) + '│',
      '│   a                                 A title' + ' '.repeat(54) + '│',
      '│ > vm-py2-checkinterval-1000-2cores  B title' + ' '.repeat(54) + '│',
    ]);
  });
  it('help scrolls: from the row asked, saying which rows show', () => {
    const rows = Array.from({ length: 10 }, (_, i) => ({ keys: `k${i}`, description: `row ${i}` }));
    const out = frame(<HelpOverlay rows={rows} height={6} scroll={4} />).split('\n');
    expect(out[1]).toContain('[5-7 of 10, ↑/↓ j/k PgUp/PgDn]');
    expect(out.slice(2, 5).map((l) => l.slice(2, 16).trimEnd())).toEqual(['k4       row 4', 'k5       row 5', 'k6       row 6']);
    // Scrolled past the end: the last rows.
    expect(frame(<HelpOverlay rows={rows} height={6} scroll={99} />)).toContain('[8-10 of 10');
  });
  it('too small says what it needs', () => {
    expect(frame(<TooSmall message="gil-top needs a terminal of at least 80x21" width={25} />)).toBe('gil-top needs a terminal\nof at least 80x21');
  });
});
