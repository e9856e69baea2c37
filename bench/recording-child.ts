// Run by bench/recording.ts in a process of its own: one plain run, one recording or one replay;
// prints its wall and CPU seconds and its peak resident memory as one JSON line.
import { loadPreset } from '../src/config/load.js';
import { runHeadless } from '../src/session/headless.js';
import { recordHeadless } from '../src/session/recorder.js';
import { verifySession } from '../src/session/replay.js';
import { openSessionFile } from '../src/session/session-file.js';

const [mode, presetFile, file] = process.argv.slice(2);
const preset = loadPreset(presetFile);
const cpu0 = process.cpuUsage();
const t0 = performance.now();
if (mode === 'run') runHeadless(preset);
else if (mode === 'record') await recordHeadless(preset, {}, file, { force: true });
else {
  const r = verifySession(openSessionFile(file));
  if (r.verdict !== 'matches') throw new Error(`the replay does not match: ${r.message}`);
}
const wall = (performance.now() - t0) / 1000;
const u = process.cpuUsage(cpu0);
console.log(JSON.stringify({ wall, cpu: (u.user + u.system) / 1e6, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
