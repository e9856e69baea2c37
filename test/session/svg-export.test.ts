import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { loadPreset } from '../../src/config/load.js';
import { openSessionFile } from '../../src/session/session-file.js';
import { sessionSvg, ticks } from '../../src/session/svg-export.js';
import { recordRun, tempDir, writeSmallPreset } from './fixtures.js';

type Node = Record<string, unknown>;
const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', textNodeName: '#text', isArray: (name) => ['rect', 'text', 'line', 'polyline'].includes(name) });

/** The SVG of a recorded small session (an echo server and a countdown, with hot swaps), parsed. */
function figure(range: { fromNs?: number; toNs?: number } = {}) {
  const dir = tempDir();
  const file = join(dir, 's.jsonl');
  recordRun(file, writeSmallPreset(dir));
  const fig = sessionSvg(openSessionFile(file), range);
  expect(XMLValidator.validate(fig.svg)).toBe(true);
  const svg = parser.parse(fig.svg).svg as Node;
  const texts = (svg.text as (Node | string)[]).map((t) => (typeof t === 'string' ? t : String(t['#text'] ?? '')));
  return { fig, svg, texts, rects: svg.rect as Node[], lines: svg.line as Node[] };
}

describe('the SVG figure of a recorded session', () => {
  it('is an SVG document a browser opens: the strips per thread, the actions, a legend, the charts', () => {
    const { fig, svg, texts, rects } = figure();
    expect(svg.xmlns).toBe('http://www.w3.org/2000/svg');
    expect(Number(svg.width)).toBe(1200);
    expect(Number(svg.height)).toBeGreaterThan(400);
    expect(svg.title).toBe('gil-top: small');
    expect(fig.divergence).toBeNull();
    // A row per thread, named, with its strips in the colours of the states.
    for (const name of ['server', 'worker', 'client']) expect(texts).toContain(name);
    const fills = new Set(rects.map((r) => r.fill));
    for (const c of ['#2ca02c', '#d62728', '#1f77b4']) expect(fills.has(c), c).toBe(true);
    // The strips of a row fill at most the plot's width, without overlap.
    const rowOf = (y: string) => rects.filter((r) => r.y === y && r.height === '22');
    const first = rowOf(rects.find((r) => r.height === '22')!.y as string);
    const xs = first.map((r) => [Number(r.x), Number(r.x) + Number(r.width)]).sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < xs.length; i++) expect(xs[i][0]).toBeGreaterThanOrEqual(xs[i - 1][1]);
    expect(xs.at(-1)![1]).toBeLessThanOrEqual(120 + 1050);
    // The legend names what is drawn.
    expect(texts).toContain('running (with the GIL under py2/py3)');
    expect(texts).toContain('waiting for the GIL');
    expect(texts).toContain('blocked in I/O');
    // The recorded actions (policy, cores, switch interval) are marked where they happened.
    for (const a of ['switch interval 1 ms', '1 core', 'policy py2', '3 cores', 'policy py3']) expect(texts).toContain(a);
    expect(texts).toContain('GIL switches per simulated second');
    expect(texts).toContain('wake-ups in vain per simulated second');
    expect(texts).toContain('client latency, ms (last request)');
    expect(svg.polyline).toHaveLength(3);
  });

  it('--from and --to: only that stretch, its actions and its samples', () => {
    const { fig, texts } = figure({ fromNs: 40e6, toNs: 85e6 });
    expect([fig.fromNs, fig.toNs]).toEqual([40e6, 85e6]);
    expect(texts.some((t) => t.includes('0.040000 s to 0.085000 s simulated'))).toBe(true);
    expect(texts).toContain('1 core');
    expect(texts).toContain('policy py2');
    expect(texts).not.toContain('switch interval 1 ms'); // at 20 ms, before the stretch
    expect(texts).not.toContain('3 cores'); // at 90 ms, after it
    // The re-simulation stopped at the end of the stretch.
    expect(fig.player.driver.sim.now).toBeLessThanOrEqual(85e6);
    expect(texts).toContain('40 ms');
    expect(texts).toContain('80 ms');
  });

  it('escapes what it prints: a title with <, & and quotes stays well-formed XML', () => {
    const dir = tempDir();
    const presetFile = writeSmallPreset(dir, 400_000);
    const preset = JSON.parse(readFileSync(presetFile, 'utf8'));
    writeFileSync(presetFile, JSON.stringify({ ...preset, title: 'a <b> & "c" \'d\'' }));
    const file = join(dir, 's.jsonl');
    recordRun(file, presetFile, []);
    const svg = sessionSvg(openSessionFile(file)).svg;
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg).toContain('a &lt;b&gt; &amp; &quot;c&quot; &apos;d&apos;');
  });

  it('marks wake-ups in vain on top of the strip, over what the thread did most', () => {
    // A Python 2 battle on two cores: about a thousand wake-ups in vain a simulated second, more
    // than one in most of the figure's columns.
    const dir = tempDir();
    const presetFile = join(dir, 'battle.json');
    const battle = JSON.parse(readFileSync(loadPreset('py2-threads-2cores').file, 'utf8')) as { threads: object[] };
    writeFileSync(presetFile, JSON.stringify({ ...battle, threads: battle.threads.map((t) => ({ ...t, program: [{ op: 'loop', kind: 'countdown', iterations: 3_000_000 }] })) }));
    const file = join(dir, 's.jsonl');
    recordRun(file, presetFile, []);
    const svg = parser.parse(sessionSvg(openSessionFile(file)).svg).svg as Node;
    const rects = svg.rect as Node[];
    const texts = (svg.text as (Node | string)[]).map((t) => (typeof t === 'string' ? t : String(t['#text'] ?? '')));
    const strips = rects.filter((r) => r.height === '22');
    const marks = rects.filter((r) => r.fill === '#7f0000' && r.height === '5');
    // The strips show states only, what the workers did most: on a core in GIL code, or running.
    expect(strips.some((r) => r.fill === '#e6b800')).toBe(true);
    expect(strips.every((r) => r.fill !== '#ff9896' && r.fill !== '#7f0000')).toBe(true);
    // The marks stand on the workers' strips (t1, t2: the first two rows), at their tops, and the legend names them.
    const tops = [...new Set(strips.map((r) => Number(r.y)))].sort((a, b) => a - b);
    expect(marks.length).toBeGreaterThan(10);
    for (const m of marks) expect(tops.slice(0, 2)).toContain(Number(m.y));
    expect(texts).toContain('woken in vain (a mark where it happened)');
    expect(texts).not.toContain('woken in vain');
  });

  it('says why a chart has no line when the range holds fewer than two samples', () => {
    const { svg, texts } = figure({ fromNs: 40e6, toNs: 40.5e6 });
    expect(svg.circle).toBeDefined();
    expect(texts.filter((t) => /^(one sample|no samples) in this range \(the session has one every 1 ms\)$/.test(t)).length).toBe(3);
    expect(svg.polyline).toBeUndefined();
  });

  it('puts time ticks at 1-2-5 steps', () => {
    expect(ticks(0, 1e9)).toEqual([0, 2e8, 4e8, 6e8, 8e8, 1e9]);
    expect(ticks(40e6, 85e6)).toEqual([40e6, 50e6, 60e6, 70e6, 80e6]);
  });
});
