/**
 * Bundles the CLI for a fast start: `node dist/scripts/bundle.js` after tsc (npm run build,
 * prepare and test do both). Input is tsc's output (dist/cli/main.js), so the bundle runs exactly
 * the code the tests run; output is dist/bundle/redscope.js plus its chunks, all in that one
 * directory (so `new URL('../../package.json', import.meta.url)` still finds package.json).
 *
 * Why: unbundled, Node resolves and compiles several hundred small modules before the first
 * prompt (Ink + React alone ~390 ms, the engine ~175 ms); one file of the same code loads in a
 * fraction of that. bin/redscope.js runs the bundle when it is at least as new as
 * dist/cli/main.js, the unbundled CLI otherwise. The library entry (dist/index.js) is untouched.
 *
 * Kept lazy: ESM code splitting turns each `await import()` into its own chunk, so Ink and React
 * (the shell) load only when the interactive shell opens, and the AOF/RDB opener only with --dir.
 * Kept out: lua-wasm-bindings (loaded at run time through createRequire when a script first
 * runs), the CRC worker (a Worker runs that module's own file: it stays the unbundled
 * dist/persistence/rdb/crc-worker.js) and react-devtools-core (Ink imports it only with DEV=true;
 * it is not installed, as unbundled).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as esbuild from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dist = path.join(root, 'dist');
const outdir = path.join(dist, 'bundle');
const entry = path.join(dist, 'cli/main.js');
/** Modules the bundle must import as their own files: a Worker runs them by URL. */
const ownFile = [path.join(dist, 'persistence/rdb/crc-worker.js')];

/** Imports of the `ownFile` modules become external imports of the tsc output, relative to outdir. */
const keepOwnFiles: esbuild.Plugin = {
  name: 'keep-own-files',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) => {
      const target = path.resolve(args.resolveDir, args.path);
      if (!ownFile.includes(target)) return undefined;
      const rel = path.relative(outdir, target).split(path.sep).join('/');
      return { path: rel.startsWith('.') ? rel : `./${rel}`, external: true };
    });
  },
};

/**
 * esbuild's ESM output cannot `require()`; the CommonJS packages (commander, cli-table3, parts
 * of React) do, for Node built-ins. A `require` made for each output file lets them.
 */
const banner =
  "import { createRequire as __redscopeCreateRequire } from 'node:module';\n" +
  'const require = __redscopeCreateRequire(import.meta.url);';

export async function bundle(): Promise<esbuild.Metafile> {
  if (!fs.existsSync(entry)) throw new Error(`bundle: ${path.relative(root, entry)} is missing; run tsc first`);
  // Written next to dist/bundle, then moved into place: a bundle run beside another (or a
  // failed one) never leaves a half-written dist/bundle for bin/redscope.js to load.
  const tmp = path.join(dist, `.bundle-${process.pid}`);
  fs.rmSync(tmp, { recursive: true, force: true });
  try {
    const meta = await build(tmp);
    fs.rmSync(outdir, { recursive: true, force: true });
    fs.renameSync(tmp, outdir);
    return meta;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

async function build(dir: string): Promise<esbuild.Metafile> {
  const result = await esbuild.build({
    absWorkingDir: root,
    entryPoints: { redscope: entry },
    outdir: dir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    chunkNames: '[name]-[hash]',
    external: ['react-devtools-core'],
    plugins: [keepOwnFiles],
    banner: { js: banner },
    metafile: true,
    logLevel: 'warning',
    legalComments: 'none',
  });
  check(result.metafile, dir);
  smokeTest(result.metafile);
  return result.metafile;
}

/**
 * Loads every output file in a fresh Node (the entry and the lazy chunks alike), so a bundle
 * that cannot even be loaded (a name clash with the banner's `require`, a missing export) fails
 * the build rather than bin/redscope.js. Chunks that import a package that is not installed
 * (Ink's devtools, only with DEV=true) are left out.
 */
function smokeTest(meta: esbuild.Metafile): void {
  const files = Object.entries(meta.outputs)
    .filter(([f, o]) => f.endsWith('.js') && !o.imports.some((i) => i.external && i.path === 'react-devtools-core'))
    .map(([f]) => pathToFileURL(path.join(root, f)).href);
  const code = `for (const f of ${JSON.stringify(files)}) await import(f);`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, DEV: '' } });
  if (r.status !== 0) throw new Error(`bundle: the bundle does not load:\n${r.stderr}`);
}

/** Fails the build when the shell's libraries load before the prompt needs them, or Lua is bundled. */
function check(meta: esbuild.Metafile, dir: string): void {
  const rel = (p: string) => path.relative(root, p).split(path.sep).join('/');
  const entryOut = rel(path.join(dir, 'redscope.js'));
  // Every output file the entry loads through static imports, and the inputs they hold.
  const eager = new Set<string>();
  const visit = (out: string) => {
    if (eager.has(out) || !meta.outputs[out]) return;
    eager.add(out);
    for (const imp of meta.outputs[out]!.imports) if (imp.kind === 'import-statement' && !imp.external) visit(imp.path);
  };
  visit(entryOut);
  if (eager.size === 0) throw new Error(`bundle: ${entryOut} was not written`);
  const eagerInputs = [...eager].flatMap((o) => Object.keys(meta.outputs[o]!.inputs));
  const early = eagerInputs.filter((i) => /node_modules\/(ink|react|react-reconciler|yoga-layout)\//.test(i));
  if (early.length > 0) throw new Error(`bundle: the shell's libraries load at start-up (${early[0]}); keep the shell behind await import()`);
  const lua = Object.keys(meta.inputs).filter((i) => i.includes('lua-wasm-bindings'));
  if (lua.length > 0) throw new Error(`bundle: lua-wasm-bindings got bundled (${lua[0]}); it must load lazily`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = Date.now();
  const meta = await bundle();
  const bytes = Object.values(meta.outputs).reduce((n, o) => n + o.bytes, 0);
  const files = Object.keys(meta.outputs).length;
  console.log(`bundle: dist/bundle/redscope.js + ${files - 1} chunks, ${(bytes / 1024 / 1024).toFixed(1)} MB, ${Date.now() - started} ms`);
}
