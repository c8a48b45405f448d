import 'reflect-metadata';
import { SingleBar, Presets } from 'cli-progress';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { migrate, openDatabase } from '../db/orm';
import { generate, GenerateProgress, parseArgs, UsageError, USAGE } from '../generate/generator';

/**
 * `npm run generate -- --tenant 430000 --schools 25000 --events 5000000 --disclosures 1000000 --years 2019-2024`:
 * fills DATABASE_URL (or the embedded store) with a deterministic province-scale dataset, with a
 * progress bar per phase and a summary at the end. See src/generate/generator.ts.
 */
async function main(): Promise<number> {
  let options;
  try {
    options = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  const config = loadConfig({ ...process.env, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const logger = createLogger(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, logger });
  const bar = new SingleBar(
    { format: '{phase} |{bar}| {percentage}% | {value}/{total} | {duration_formatted} | eta {eta_formatted}', hideCursor: true, noTTYOutput: true, notTTYSchedule: 10_000, etaBuffer: 20 },
    Presets.shades_classic,
  );
  let active = false;
  const progress: GenerateProgress = {
    phase(name, total) {
      if (active) bar.stop();
      bar.start(Math.max(total, 1), 0, { phase: name.padEnd(26) });
      active = true;
    },
    tick(n) {
      bar.increment(n);
    },
  };
  try {
    await migrate(db.orm);
    const result = await generate(db.orm.em.fork() as EntityManager, options, progress);
    if (active) bar.stop();
    if (!result.generated) {
      process.stdout.write(`tenant ${options.tenant}: nothing generated: ${result.reason}\n`);
      return 0;
    }
    const o = result.options;
    const out = [
      `generated tenant ${o.tenant} (${db.kind}) in ${(result.ms / 1000).toFixed(1)} s: ${o.schools} schools, ${o.events} events, ${o.disclosures} items, years ${o.fromYear}–${o.toYear}`,
      ...result.phases.map((p) => `  ${p.phase.padEnd(28)} ${String(p.rows).padStart(10)} rows ${(p.ms / 1000).toFixed(1).padStart(8)} s`),
      `  rows now in the tenant: ${Object.entries(result.counts).map(([t, n]) => `${t} ${n}`).join(', ')}`,
      `  stat_rollup rows: ${result.rollupRows}`,
    ];
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } catch (err) {
    if (active) bar.stop();
    if (err instanceof UsageError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`generate failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
