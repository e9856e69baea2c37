import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listPresets, loadPreset } from '../../src/config/load.js';
import { policyNames } from '../../src/model/index.js';

const dir = mkdtempSync(join(tmpdir(), 'gil-top-describe-'));
const good = JSON.parse(JSON.stringify(loadPreset('py2-threads-2cores'), (k, v) => (k === 'file' || k === 'machine' ? undefined : v)));

function errorFor(data: unknown): string {
  const file = join(dir, 'p.json');
  writeFileSync(file, JSON.stringify(data));
  try {
    loadPreset(file);
  } catch (e) {
    return (e as Error).message.replace(file, 'FILE');
  }
  throw new Error('the preset was accepted');
}

describe('what to look for under each policy (descriptionFor)', () => {
  it('every shipped preset says what to look for under each policy it can be swapped to', () => {
    for (const p of listPresets())
      for (const policy of policyNames) {
        const text = policy === p.policy ? p.description : p.descriptionFor?.[policy];
        expect(text?.length ?? 0, `${p.name} under ${policy}`).toBeGreaterThan(40);
      }
  });

  it('is validated: known policies only, not the preset\'s own, never empty', () => {
    expect(errorFor({ ...good, descriptionFor: { py4: 'x' } })).toMatch(/^FILE: descriptionFor/);
    expect(errorFor({ ...good, descriptionFor: { py3: '' } })).toBe('FILE: descriptionFor.py3: must say what to look for');
    expect(errorFor({ ...good, descriptionFor: { py2: 'again' } })).toBe('FILE: descriptionFor.py2: "py2" is the preset\'s own policy: "description" says what to look for under it');
  });
});
