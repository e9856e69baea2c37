import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker running the module `name` (without extension) beside the module at `here` (its
 * `import.meta.url`): the built `.js` file, or, when `here` is TypeScript source (tests,
 * `npm run bench` under tsx), the `.ts` file through tsx's loader (Node 20 does not pass a
 * loader on to workers). `workerData` and `transferList` reach it either way.
 */
export function moduleWorker(here: string, name: string, options: WorkerOptions = {}): Worker {
  if (!here.endsWith('.ts')) return new Worker(new URL(`./${name}.js`, here), options);
  const script = new URL(`./${name}.ts`, here).href;
  return new Worker(`import(${JSON.stringify(tsxApi())}).then((api) => api.tsImport(${JSON.stringify(script)}, ${JSON.stringify(here)}))`, { ...options, eval: true });
}

let tsxApiUrl: string | undefined;
/** The URL of tsx's ESM API (`tsx/esm/api`), from the package's own exports map. */
function tsxApi(): string {
  if (tsxApiUrl !== undefined) return tsxApiUrl;
  const pkgFile = createRequire(import.meta.url).resolve('tsx/package.json');
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports: Record<string, { import: { default: string } }> };
  tsxApiUrl = new URL(pkg.exports['./esm/api'].import.default, pathToFileURL(pkgFile)).href;
  return tsxApiUrl;
}
