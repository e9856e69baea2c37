// `npm run readme`: puts the output of `gil-top reproduce --markdown`, `gil-top reproduce
// --sensitivity --markdown` (a few minutes) and `npm run bench` into README.md between their
// markers, so that the tables there are the commands' own output. `--no-bench` and
// `--no-sensitivity` leave those tables as they are.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const root = new URL('..', import.meta.url);
const run = (cmd, args) => execFileSync(cmd, args, { cwd: root, encoding: 'utf8', maxBuffer: 1 << 24 });
const splice = (text, name, body) => {
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const i = text.indexOf(start);
  const j = text.indexOf(end);
  if (i < 0 || j < i) throw new Error(`README.md has no ${start} ... ${end} markers`);
  return `${text.slice(0, i + start.length)}\n${body.trim()}\n${text.slice(j)}`;
};

let readme = readFileSync(new URL('README.md', root), 'utf8');
readme = splice(readme, 'fidelity', run('node', ['dist/cli/main.js', 'reproduce', '--markdown']));
if (!process.argv.includes('--no-sensitivity')) readme = splice(readme, 'sensitivity', run('node', ['dist/cli/main.js', 'reproduce', '--sensitivity', '--markdown']));
if (!process.argv.includes('--no-bench')) {
  const bench = run('npx', ['tsx', 'bench/bench.ts']).replace(/\x1b\[[0-9;?]*[a-zA-Z]/g, '');
  readme = splice(readme, 'bench', bench.replace(/^## /gm, '#### '));
}
writeFileSync(new URL('README.md', root), readme);
