import type { Preset } from '../src/config/load.js';

/**
 * Issue 11's speed target for a preset: an article or Beazley figure simulated 100x faster than
 * its published seconds, any other preset 30x faster than it simulates. `seconds` is what the
 * factor is taken against (the published or the simulated seconds).
 */
export function speedTarget(p: Preset, simulatedSeconds: number): { factor: number; against: 'published' | 'simulated'; seconds: number } {
  const pub = p.expected?.seconds;
  return pub !== undefined && /^(article|Beazley)/.test(p.source ?? '')
    ? { factor: 100, against: 'published', seconds: pub }
    : { factor: 30, against: 'simulated', seconds: simulatedSeconds };
}
