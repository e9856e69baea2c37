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
import type { HeaderView } from '../../src/tui/view-model.js';
import { plain } from './ink-helpers.js';

const frame = (el: React.ReactElement) => plain(render(el).lastFrame());

const header: HeaderView = { preset: 'py2-threads-2cores', policy: 'py2', time: '   1.234567 s', speed: '   0.1x', seed: '1', cores: '2 cores', paused: false, finished: false, recording: false };

describe('Header', () => {
  it('shows preset, policy, cores, time, speed and seed on one line', () => {
    expect(frame(<Header header={header} />)).toBe('gil-top  py2-threads-2cores policy py2           2 cores  t=   1.234567 s speed   0.1x  seed 1');
  });
  it('shows the PAUSED, FINISHED and REC badges first, so that a narrow terminal keeps them', () => {
    expect(frame(<Header header={{ ...header, preset: 'x', paused: true, recording: true }} />)).toBe('gil-top  PAUSED  REC  x policy py2           2 cores  t=   1.234567 s speed   0.1x  seed 1');
    expect(frame(<Header header={{ ...header, preset: 'x', finished: true }} />)).toBe('gil-top  FINISHED  x policy py2           2 cores  t=   1.234567 s speed   0.1x  seed 1');
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
      legend: [{ text: '█' }, { text: ' running  ' }],
      rows: [
        { name: 't1          ', color: 'cyan', segments: [{ text: '███' }, { text: '▒▒' }] },
        { name: 't2          ', color: 'magenta', segments: [{ text: '▒▒' }, { text: '!' }, { text: '██' }] },
      ],
    };
    expect(frame(<Timeline timeline={tl} />)).toBe(['timeline, last 20 ms  █ running', 't1           │███▒▒│', 't2           │▒▒!██│'].join('\n'));
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
      '│ Keys (Esc or ? closes; the simulation keeps running)' + ' '.repeat(45) + '│',
      '│ space   pause or resume' + ' '.repeat(74) + '│',
      '│ q ^C    quit' + ' '.repeat(85) + '│',
      '│' + ' '.repeat(98) + '│',
      '╰' + '─'.repeat(98) + '╯',
    ]);
  });
  it('picker marks the selected preset', () => {
    const out = frame(<PresetPicker names={['a', 'b']} titles={['A title', 'B title']} selected={1} height={5} />);
    expect(out.split('\n').slice(1, 4).map((l) => l.trimEnd())).toEqual([
      '│ Pick a preset (↑/↓ or j/k, Enter loads, Esc cancels)' + ' '.repeat(45) + '│',
      '│   a                           A title' + ' '.repeat(60) + '│',
      '│ > b                           B title' + ' '.repeat(60) + '│',
    ]);
  });
  it('too small says what it needs', () => {
    expect(frame(<TooSmall message="gil-top needs a terminal of at least 80x21" width={25} />)).toBe('gil-top needs a terminal\nof at least 80x21');
  });
});
