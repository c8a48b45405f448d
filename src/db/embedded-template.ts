import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The embedded store's template: a PGlite cluster with every migration applied, built with the
 * project (`npm run build`, and so at install) into dist/embedded-template/. A new embedded store
 * (the first start, every in-memory store of the tests) unpacks it instead of running initdb and the
 * migrations in WASM, which is most of an empty store's opening time. Anything the template lacks
 * (a migration added since) the ordinary migration step applies; a template built for another PGlite
 * or another set of migrations is not used at all. Building it: embedded-template-build.ts (apart, as
 * it needs the store and the migrations, which need this file).
 */
/** The project's root (this file runs from src/db under the tests, from dist/src/db otherwise). */
function projectRoot(): string {
  let dir = __dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}
const ROOT = projectRoot();
export const DIR = join(ROOT, 'dist', 'embedded-template');
export const TARBALL = join(DIR, 'cluster.tar.gz');
export const KEY_FILE = join(DIR, 'key.json');

/** The PGlite release: a template made by another is never used. */
export function pgliteVersion(): string {
  // The package's own package.json is not exported: found from its entry point.
  let pkg = dirname(require.resolve('@electric-sql/pglite'));
  while (!existsSync(join(pkg, 'package.json')) && dirname(pkg) !== pkg) pkg = dirname(pkg);
  return (JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The migrations' sources, hashed (null where only dist/ was shipped, as in the container image,
 * which builds its template from the same sources in the same build).
 */
export function migrationsHash(): string | null {
  const dir = join(ROOT, 'migrations');
  if (!existsSync(dir)) return null;
  const hash = createHash('sha256');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.ts')).sort()) hash.update(`\n${f}\n`).update(readFileSync(join(dir, f)));
  return hash.digest('hex');
}

/** The template's tarball when it matches this build, else null (the store is made with initdb). */
export function usableTemplate(): string | null {
  try {
    if (!existsSync(TARBALL)) return null;
    const key = JSON.parse(readFileSync(KEY_FILE, 'utf8')) as { pglite: string; migrations: string | null };
    if (key.pglite !== pgliteVersion()) return null;
    const current = migrationsHash();
    return current === null || current === key.migrations ? TARBALL : null;
  } catch {
    return null;
  }
}
