#!/usr/bin/env node
// The bundled CLI (fast start; `node dist/scripts/bundle.js` after tsc), unless tsc has rebuilt dist/ since.
import { statSync } from 'node:fs';
const mtime = (f) => statSync(new URL(f, import.meta.url), { throwIfNoEntry: false })?.mtimeMs ?? -1;
const bundled = mtime('../dist/bundle/redscope.js') >= Math.max(0, mtime('../dist/cli/main.js'));
import(bundled ? '../dist/bundle/redscope.js' : '../dist/cli/main.js').then((m) => m.main(process.argv));
