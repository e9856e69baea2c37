/**
 * What recording costs (issue 14): one simulated hour of echo-fib-py3 (its client made endless),
 * run plain, run with --record, and replayed from that file, each in a process of its own so that
 * its peak memory is its own. Targets: recording within 2x of the plain run's wall time, under
 * 200 MB to record and to replay, a file of a few MB per simulated minute.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from '../src/calibrate/stats.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..');

/** One child's figures: wall and CPU seconds of the work, its peak resident memory. */
interface ChildFigures {
  wall: number;
  cpu: number;
  maxRssMB: number;
}

function child(mode: 'run' | 'record' | 'replay', preset: string, file: string): ChildFigures {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(here, 'recording-child.ts'), mode, preset, file], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`bench: recording ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as ChildFigures;
}

/** Plain and recorded runs measured. */
const runs = 3;

/** Wall and CPU time: the median over the children; peak memory: the highest (the target is a ceiling). */
function medianOf(xs: ChildFigures[]): ChildFigures {
  return { wall: median(xs.map((x) => x.wall)), cpu: median(xs.map((x) => x.cpu)), maxRssMB: Math.max(...xs.map((x) => x.maxRssMB)) };
}

/** Rows of the recording table (measure, value). */
export function benchRecording(): { name: string; value: string }[] {
  const dir = mkdtempSync(join(tmpdir(), 'gil-top-bench-'));
  const preset = JSON.parse(readFileSync(join(root, 'presets', 'echo-fib-py3.json'), 'utf8'));
  preset.name = 'echo-fib-py3-hour';
  delete preset.expected;
  preset.actors[0].program[1].times = 'forever';
  const presetFile = join(dir, 'hour.json');
  writeFileSync(presetFile, JSON.stringify(preset));
  const file = join(dir, 'hour.jsonl');
  try {
    // Plain and recorded runs alternate, three of each, so that a change in the machine's load
    // falls on both; times are the medians of three (the ratio is of the medians), memory the highest peak.
    const plains: ChildFigures[] = [];
    const recs: ChildFigures[] = [];
    for (let i = 0; i < runs; i++) {
      plains.push(child('run', presetFile, file));
      recs.push(child('record', presetFile, file));
    }
    const [plain, rec] = [medianOf(plains), medianOf(recs)];
    const bytes = statSync(file).size;
    const rep = child('replay', presetFile, file);
    const f = (x: ChildFigures) => `${x.wall.toFixed(2)} s wall, ${x.cpu.toFixed(2)} s CPU, peak ${x.maxRssMB.toFixed(0)} MB`;
    return [
      { name: `one simulated hour of echo-fib-py3, plain run (medians of ${runs})`, value: f(plain) },
      { name: `the same, recorded (run --record; medians of ${runs})`, value: `${f(rec)}; ${(rec.wall / plain.wall).toFixed(2)}x the plain wall time, ${(rec.cpu / plain.cpu).toFixed(2)}x its CPU (target 2x)` },
      { name: 'its file', value: `${(bytes / 1e6).toFixed(1)} MB, ${(bytes / 1e6 / 60).toFixed(2)} MB per simulated minute` },
      { name: 'replay --json of that file', value: `${f(rep)} (target under 200 MB to record and to replay)` },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
