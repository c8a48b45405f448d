import 'reflect-metadata';
import type { EntityManager } from '@mikro-orm/postgresql';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { migrate, openDatabase } from '../db/orm';
import { RollupAdmin } from '../modules/stats/rollup.admin';

const USAGE = 'usage: npm run rollups -- verify|rebuild [--tenant 430000 …]';

/**
 * `npm run rollups -- verify`: recounts every tenant's figures from the raw tables and compares them
 * with the rollups (exit 0 when exact, 1 with the differing rows when not).
 * `npm run rollups -- rebuild`: rebuilds the rollups from the raw rows.
 * Works on DATABASE_URL or the embedded store (stop the server first: the embedded store has one owner).
 */
async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const command = args[0];
  if (command !== 'verify' && command !== 'rebuild') {
    process.stderr.write(`${USAGE}\n`);
    return 2;
  }
  const tenants: number[] = [];
  for (let i = 1; i < args.length; i++) {
    if (args[i] === '--tenant' && /^\d{6}$/.test(args[i + 1] ?? '')) tenants.push(Number(args[++i]));
    else {
      process.stderr.write(`unknown argument ${args[i]}\n${USAGE}\n`);
      return 2;
    }
  }
  const config = loadConfig();
  const logger = createLogger(config);
  const db = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, poolSize: 2, logger });
  try {
    await migrate(db.orm);
    const em = db.orm.em.fork() as EntityManager;
    if (command === 'rebuild') {
      for (const r of await RollupAdmin.rebuild(em, tenants)) {
        process.stdout.write(`tenant ${r.tenantId}: rebuilt ${r.rows} rollup rows in ${r.ms} ms\n`);
      }
      return 0;
    }
    let exact = true;
    for (const r of await RollupAdmin.verify(em, tenants)) {
      if (r.differences.length === 0) {
        process.stdout.write(`tenant ${r.tenantId}: exact (${r.rows} rollup rows checked against the raw tables in ${r.ms} ms)\n`);
        continue;
      }
      exact = false;
      process.stdout.write(`tenant ${r.tenantId}: ${r.differences.length}${r.differences.length >= 1000 ? '+' : ''} rollup rows differ from the raw tables:\n`);
      for (const d of r.differences.slice(0, 20)) {
        process.stdout.write(`  unit ${d.unitId} ${d.scope} group ${d.grp} ${d.grain} ${d.bucket} ${JSON.stringify(d.dim)}: expected [${d.expected}] stored [${d.actual}]\n`);
      }
    }
    if (!exact) process.stdout.write('run `npm run rollups -- rebuild` to rebuild them from the raw rows\n');
    return exact ? 0 : 1;
  } finally {
    await db.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`rollups failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
