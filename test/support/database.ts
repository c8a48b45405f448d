import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { startEmbedded } from '../../src/db/embedded';

export type TestStore = 'postgres' | 'embedded';

/** Which store this run targets: PostgreSQL when TEST_DATABASE_URL is set, else the embedded one. */
export const TEST_STORE: TestStore = process.env.TEST_DATABASE_URL ? 'postgres' : 'embedded';

export interface TestDatabase {
  /** URL of a database of its own (PostgreSQL), or undefined for the app's own embedded store. */
  url: string | undefined;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file. On PostgreSQL: a database of its own, created on the
 * server of TEST_DATABASE_URL and dropped afterwards, so test files run in parallel in isolation.
 * On the embedded store: nothing to make here — the app opens its own in-memory PGlite.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) return { url: undefined, drop: async () => undefined };
  const name = `edu_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base });
      await c.connect();
      try {
        await c.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await c.end();
      }
    },
  };
}

/** A raw PGlite served on a loopback socket, for tests that need the backing store apart from the app. */
export async function startRawEmbedded() {
  return startEmbedded(null);
}
