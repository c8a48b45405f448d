import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import type { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/**
 * The embedded store: PGlite (PostgreSQL compiled to WASM, in this process) persisted under a
 * directory, served on a loopback socket so MikroORM talks to it with its ordinary PostgreSQL
 * driver. Nothing to install, no server to run.
 */
export interface EmbeddedDatabase {
  url: string;
  dataDir: string | null;
  /** A trivial statement straight to PGlite, past the socket and the pool (the health check). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** `dataDir` null or 'memory://' means an in-memory database (tests, throwaway runs). */
export async function startEmbedded(dataDir: string | null): Promise<EmbeddedDatabase> {
  if (dataDir === 'memory://') dataDir = null;
  // Both packages are ESM-first; load them lazily so PostgreSQL-only deployments never touch them.
  const { PGlite: PGliteCtor } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer: ServerCtor } = await import('@electric-sql/pglite-socket');
  let location: string | undefined;
  if (dataDir) {
    location = resolve(dataDir);
    mkdirSync(location, { recursive: true });
  }
  const db: PGlite = await PGliteCtor.create(location ? { dataDir: location } : {});
  // The app's pool holds one connection (PGlite is one session). A second may connect when the
  // store is reached by URL (tests): the health check's own connection (src/db/health.ts).
  const server: PGLiteSocketServer = new ServerCtor({ db, host: '127.0.0.1', port: 0, maxConnections: 2 });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  let closed = false;
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    dataDir: location ?? null,
    async ping() {
      await db.query('select 1');
    },
    async close() {
      if (closed) return;
      closed = true;
      await server.stop();
      await db.close();
    },
  };
}
