import { listPresets } from '../../config/load.js';
import type { Parsed } from '../options.js';

/** `gil-top presets`: the shipped presets, a line each (or JSON). */
export async function presetsCommand(p: Parsed): Promise<number> {
  const presets = listPresets();
  if (p.values.json) {
    process.stdout.write(JSON.stringify(presets.map(({ name, title, description, policy, cores, expected }) => ({ name, title, description, policy, cores, expected })), null, 2) + '\n');
    return 0;
  }
  const width = Math.max(...presets.map((x) => x.name.length)) + 2;
  for (const x of presets) process.stdout.write(`${x.name.padEnd(width)}${x.title}\n`);
  return 0;
}
