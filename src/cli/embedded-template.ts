import 'reflect-metadata';
import { ensureTemplates } from '../db/embedded-template-build';

/**
 * Builds dist/embedded-template/ when it is missing or stale (run by scripts/build.mjs after tsc):
 * the clusters a new embedded store starts from (src/db/embedded-template.ts).
 */
ensureTemplates((msg) => process.stderr.write(`${msg}\n`)).then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`building the embedded store template failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
