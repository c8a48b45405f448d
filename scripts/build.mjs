#!/usr/bin/env node
// Compiles the TypeScript sources to dist/ with tsc (decorator metadata is needed by type-graphql),
// then bundles the browser pages (scripts/build-web.mjs) and builds the embedded store's template
// (src/db/embedded-template.ts) when the migrations changed.
//   node scripts/build.mjs             always compile (incremental)
//   node scripts/build.mjs --if-stale  compile only when a source is newer than the last build
//   node scripts/build.mjs --if-stale --no-fail   (npm's `prepare`): a failed build warns, never fails the install
// `npm start` and the CLI commands call it with --if-stale, so they run the built output at once and
// pay for tsc only after a change. The freshness check looks at file times (a few ms).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = new Set(process.argv.slice(2));
const STAMP = join(root, 'dist', '.build-stamp');
const SOURCES = ['src', 'migrations', 'bench', 'web', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package-lock.json'];

/** Latest modification time (ms) of the sources the build reads. */
function newestSource() {
  let newest = 0;
  const visit = (path) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) if (name !== 'node_modules' && name !== 'results') visit(join(path, name));
    } else if (/\.(ts|json|js|mjs|css|html)$/.test(path)) {
      newest = Math.max(newest, st.mtimeMs);
    }
  };
  for (const s of SOURCES) visit(join(root, s));
  return newest;
}

function stale() {
  if (!existsSync(join(root, 'dist', 'src', 'main.js')) || !existsSync(STAMP)) return true;
  if (existsSync(join(root, 'web')) && !existsSync(join(root, 'dist', 'public'))) return true;
  return newestSource() > statSync(STAMP).mtimeMs;
}

if (!existsSync(join(root, 'src'))) process.exit(0); // e.g. `npm ci` in a Docker layer before the sources are copied
if (args.has('--if-stale') && !stale()) process.exit(0);

const started = new Date();
if (!args.has('--quiet')) process.stderr.write('building dist/ with tsc (sources changed since the last build) ...\n');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], {
  cwd: root,
  stdio: 'inherit',
});
if (res.status !== 0) {
  if (args.has('--no-fail')) {
    process.stderr.write('warning: the TypeScript build failed; `npm start` will try again\n');
    process.exit(0);
  }
  process.exit(res.status ?? 1);
}
// The browser pages (esbuild bundles into dist/public).
if (existsSync(join(root, 'scripts', 'build-web.mjs'))) {
  const web = spawnSync(process.execPath, [join(root, 'scripts', 'build-web.mjs')], { cwd: root, stdio: 'inherit' });
  if (web.status !== 0) {
    if (args.has('--no-fail')) {
      process.stderr.write('warning: building the browser pages failed; `npm start` will try again\n');
      process.exit(0);
    }
    process.exit(web.status ?? 1);
  }
}
// The embedded store's template (a migrated cluster new stores start from), when missing or stale.
// Without it a new store runs initdb and the migrations itself, slower but the same.
const template = spawnSync(process.execPath, [join(root, 'dist', 'src', 'cli', 'embedded-template.js')], { cwd: root, stdio: 'inherit' });
if (template.status !== 0) process.stderr.write('warning: the embedded store template was not built; new embedded stores run initdb instead\n');
// The stamp carries the time the build started: a source saved during the build makes it stale.
mkdirSync(join(root, 'dist'), { recursive: true });
writeFileSync(STAMP, `${started.toISOString()}\n`);
utimesSync(STAMP, started, started);
