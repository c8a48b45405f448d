import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The embedded store's templates, built with the project (`npm run build`, and so at install) into
 * dist/embedded-template/. A new embedded store unpacks one instead of running initdb, the
 * migrations and the first loads in WASM, which are nearly all of an empty store's opening time:
 * - `schema`: a PGlite cluster with every migration applied (every new store: the tests' in-memory
 *   stores, a start with its own SEED_SCALE or without the demo);
 * - `demo`: the same with the reference data and the demo's seed figures loaded as a first start
 *   with the defaults loads them (the spread events still load in the background after the start).
 * A template built for another PGlite, other migrations or (for `demo`) other sources is never used:
 * the store is then made the slow way, with the same result. Building them:
 * embedded-template-build.ts (apart, as it needs the store and the migrations, which need this file).
 */
export type TemplateKind = 'schema' | 'demo';

/** The nearest directory at or above `dir` holding a package.json. */
function packageRoot(dir: string): string {
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
/** The project's root (this file runs from src/db under the tests, from dist/src/db otherwise). */
const ROOT = packageRoot(__dirname);
export const DIR = join(ROOT, 'dist', 'embedded-template');
export const tarball = (kind: TemplateKind) => join(DIR, `${kind}.tar.gz`);
export const keyFile = (kind: TemplateKind) => join(DIR, `${kind}.json`);

/** The PGlite release: a template made by another is never used. */
function pgliteVersion(): string {
  // The package's own package.json is not exported: found from its entry point.
  const pkg = packageRoot(dirname(require.resolve('@electric-sql/pglite')));
  return (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The TypeScript files of `roots` and every module they import (relative imports, types included:
 * a changed entity or enum can change the rows), in a stable order.
 */
function importClosure(roots: string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g)) {
      const base = join(dirname(file), m[1]);
      for (const candidate of [`${base}.ts`, join(base, 'index.ts')]) if (existsSync(candidate)) visit(candidate);
    }
  };
  for (const r of roots) visit(join(ROOT, r));
  return [...seen].sort();
}

/**
 * A hash of the sources a template is made from (null where they were not shipped, as in the
 * container image, which builds its templates from the same sources in the same build).
 */
function sourcesHash(kind: TemplateKind): string | null {
  const migrations = join(ROOT, 'migrations');
  if (!existsSync(migrations)) return null;
  const files = readdirSync(migrations)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => join(migrations, f));
  // The demo's rows: whatever the first start's loads run (src/seed.ts, src/demo/).
  if (kind === 'demo') files.push(...importClosure(['src/seed.ts', 'src/demo/demo-activity.ts']));
  const hash = createHash('sha256');
  for (const f of files) hash.update(`\n${f.slice(ROOT.length)}\n`).update(readFileSync(f));
  return hash.digest('hex');
}

/** What a template must match: the PGlite release, the migrations and (demo) the loads' sources. */
export function currentKey(kind: TemplateKind): { pglite: string; sources: string | null } {
  return { pglite: pgliteVersion(), sources: sourcesHash(kind) };
}

/** The template's tarball when it matches this build, else null. */
export function usableTemplate(kind: TemplateKind): string | null {
  try {
    if (!existsSync(tarball(kind))) return null;
    const built = JSON.parse(readFileSync(keyFile(kind), 'utf8')) as { pglite: string; sources: string | null };
    const now = currentKey(kind);
    if (built.pglite !== now.pglite) return null;
    return now.sources === null || now.sources === built.sources ? tarball(kind) : null;
  } catch {
    return null;
  }
}

/** The template a new store of this kind starts from: the demo one, else the schema one. */
export function pickTemplate(kind: TemplateKind): { kind: TemplateKind; path: string } | null {
  for (const k of kind === 'demo' ? (['demo', 'schema'] as const) : (['schema'] as const)) {
    const path = usableTemplate(k);
    if (path) return { kind: k, path };
  }
  return null;
}
