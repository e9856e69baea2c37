// Makes the built command executable, so `npx gil-top` and a linked bin work after `npm install`.
import { chmodSync } from 'node:fs';
chmodSync(new URL('../dist/cli/main.js', import.meta.url), 0o755);
