import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { pickTemplate, TemplateKind } from './embedded-template';

/**
 * The embedded store: PGlite (PostgreSQL compiled to WASM) persisted under a directory, served on a
 * loopback socket so MikroORM talks to it with its ordinary PostgreSQL driver. Nothing to install,
 * no server to run.
 *
 * PGlite runs in a worker thread of this process: its statements (a migration, a bulk load, a
 * dashboard's query) run off the main thread, so the HTTP server keeps answering (/health during
 * the first start's loads, every request while a background load runs).
 */
export interface EmbeddedDatabase {
  url: string;
  dataDir: string | null;
  /** A trivial statement straight to PGlite, past the socket and the pool (the health check). */
  ping(): Promise<void>;
  /** The whole cluster as a gzipped tarball (src/db/embedded-template.ts). */
  dump(): Promise<Buffer>;
  /** Which template a new store was unpacked from (null: an existing store, or made by initdb). */
  madeFrom: TemplateKind | null;
  close(): Promise<void>;
}

/** The worker: opens PGlite, serves it on a loopback port, closes it when asked. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  try {
    const { PGlite } = require(workerData.pglite);
    const { PGLiteSocketServer } = require(workerData.socket);
    const fs = require('node:fs');
    const path = require('node:path');
    // An empty store starts from the template (a cluster with the migrations applied, built with
    // the project): unpacking it takes a fraction of initdb's time.
    const template = workerData.template && workerData.template.path;
    const empty = !workerData.dataDir || !fs.existsSync(path.join(workerData.dataDir, 'PG_VERSION'));
    let options = workerData.dataDir ? { dataDir: workerData.dataDir } : {};
    if (template && empty) {
      if (workerData.dataDir) require(workerData.tar).x({ file: template, cwd: workerData.dataDir, sync: true });
      else options = { loadDataDir: new Blob([require('node:zlib').gunzipSync(fs.readFileSync(template))]) };
    }
    const db = await PGlite.create(options);
    // The app's pool holds one connection (PGlite is one session). When the store is reached by URL
    // (the outage test), the health probe's and the data versions' LISTEN connections come too.
    const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 4 });
    await server.start();
    parentPort.on('message', async (m) => {
      if (m && m.ping !== undefined) {
        // The health check: a statement straight to PGlite, past the socket and the pool.
        try { await db.query('select 1'); parentPort.postMessage({ pong: m.ping }); }
        catch (err) { parentPort.postMessage({ pong: m.ping, error: String(err) }); }
        return;
      }
      if (m === 'dump') {
        // The whole cluster as a gzipped tarball (the template build).
        try { const blob = await db.dumpDataDir('gzip'); parentPort.postMessage({ dump: Buffer.from(await blob.arrayBuffer()) }); }
        catch (err) { parentPort.postMessage({ dump: null, error: String(err) }); }
        return;
      }
      if (m !== 'close') return;
      try { await server.stop(); await db.close(); } finally { parentPort.postMessage({ closed: true }); }
    });
    parentPort.postMessage({ conn: server.getServerConn(), madeFrom: template && empty ? workerData.template.kind : null });
  } catch (err) {
    parentPort.postMessage({ error: String((err && err.stack) || err) });
  }
})();
`;

/**
 * `dataDir` null or 'memory://' means an in-memory database (tests, throwaway runs). An empty store
 * starts from a template of this build (src/db/embedded-template.ts): `template` 'demo' (reference
 * data and seed figures in, when built) or 'schema' (the default: the migrations applied), or none
 * with `false`.
 */
export async function startEmbedded(dataDir: string | null, opts: { template?: TemplateKind | false } = {}): Promise<EmbeddedDatabase> {
  if (dataDir === 'memory://') dataDir = null;
  let location: string | undefined;
  if (dataDir) {
    location = resolve(dataDir);
    mkdirSync(location, { recursive: true });
  }
  // Resolved here (the worker's eval'd code has no module path of its own); PostgreSQL-only
  // deployments never load either package.
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: {
      pglite: require.resolve('@electric-sql/pglite'),
      socket: require.resolve('@electric-sql/pglite-socket'),
      tar: require.resolve('tar'),
      dataDir: location ?? null,
      // Only a new store needs one (reading a template's key hashes its sources).
      template: opts.template === false || (location && existsSync(join(location, 'PG_VERSION'))) ? null : pickTemplate(opts.template ?? 'schema'),
    },
  });
  const { conn, madeFrom } = await new Promise<{ conn: string; madeFrom: TemplateKind | null }>((ok, fail) => {
    worker.once('error', fail);
    worker.once('exit', (code) => fail(new Error(`the embedded database's worker exited (${code})`)));
    worker.once('message', (m: { conn?: string; madeFrom?: TemplateKind | null; error?: string }) =>
      m.conn ? ok({ conn: m.conn, madeFrom: m.madeFrom ?? null }) : fail(new Error(`the embedded database did not open: ${m.error}`)),
    );
  }).catch(async (err) => {
    await worker.terminate();
    throw err;
  });
  worker.removeAllListeners('exit');
  worker.removeAllListeners('error');
  worker.on('error', () => undefined); // surfaces as a failed statement on the socket
  const [host, port] = conn.split(':');
  let closing: Promise<void> | null = null;
  let pings = 0;
  const waiting = new Map<number, { ok: () => void; fail: (e: Error) => void }>();
  let dumped: { ok: (b: Buffer) => void; fail: (e: Error) => void } | null = null;
  worker.on('message', (m: { pong?: number; error?: string; dump?: Uint8Array | null }) => {
    if (m.dump !== undefined) {
      if (m.dump) dumped?.ok(Buffer.from(m.dump));
      else dumped?.fail(new Error(`dumping the embedded database failed: ${m.error}`));
      dumped = null;
      return;
    }
    if (m.pong === undefined) return;
    const w = waiting.get(m.pong);
    waiting.delete(m.pong);
    if (m.error) w?.fail(new Error(m.error));
    else w?.ok();
  });
  return {
    url: `postgresql://postgres@${host}:${port}/postgres`,
    dataDir: location ?? null,
    madeFrom,
    ping: () =>
      new Promise<void>((ok, fail) => {
        if (closing) return fail(new Error('closed'));
        const id = ++pings;
        waiting.set(id, { ok, fail });
        worker.postMessage({ ping: id });
      }),
    dump: () =>
      new Promise<Buffer>((ok, fail) => {
        dumped = { ok, fail };
        worker.postMessage('dump');
      }),
    close: () =>
      (closing ??= (async () => {
        const closed = new Promise<void>((ok) => {
          worker.once('message', () => ok());
          worker.once('exit', () => ok());
        });
        worker.postMessage('close');
        await Promise.race([closed, new Promise((ok) => setTimeout(ok, 10_000))]);
        await worker.terminate();
      })()),
  };
}
