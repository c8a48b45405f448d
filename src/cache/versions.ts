import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { Database } from '../db/orm';
import type { Logger } from '../logger';
import { withSqlTally } from '../db/sql-counter';

/**
 * A data version key an answer depends on:
 * - `g`: every tenant (the sum of all counters);
 * - `t:<tenant>`: everything of a tenant (the sum of its counters);
 * - `s:<tenant>`: the tenant's settings and hierarchy (calendars, reply rules, categories, units, keys);
 * - `b:<tenant>:<unit id>`: rows owned by units of one depth-1 subtree (a city, a university…) or by
 *   the province unit itself.
 */
export type VersionKey = string;

interface PgConnection {
  __dataVersions?: boolean;
  on(event: 'notification', fn: (msg: { payload?: string }) => void): void;
  query(sql: string): Promise<unknown>;
}
interface TarnPool {
  on(event: 'createSuccess', fn: (id: unknown, conn: PgConnection) => void): void;
  free?: { resource: PgConnection }[];
  used?: { resource: PgConnection }[];
}

/** What changed: emitted with the tenant and bucket ('s' or a depth-1 unit id) of a counter that moved. */
export interface VersionChange {
  tenantId: number;
  bucket: string;
}

/**
 * The data versions of every tenant, held in memory and kept current: the counters of
 * `data_version` (migration 120000), which every write moves in its own transaction. A cache hit or
 * an ETag check reads them here, without SQL.
 *
 * How this process learns of commits:
 * - PostgreSQL: a dedicated connection LISTENs on `data_version` (the triggers' pg_notify, sent at
 *   commit), so every API process on the database learns of every write within milliseconds; after
 *   a reconnection it reloads the table (a notification missed while away is not lost);
 * - both stores: after each mutation of this process, `refresh()` reloads the counters before the
 *   response is sent, so the writer's own next read is never stale, whatever the notification's
 *   timing. The embedded store has a single process, so this is all it needs.
 */
export class DataVersions extends EventEmitter {
  private readonly counters = new Map<string, number>();
  private readonly tenantSums = new Map<number, number>();
  private globalSum = 0;
  private readonly byCode = new Map<string, number>();
  private listener: Client | null = null;
  private stopped = false;
  private retry: NodeJS.Timeout | null = null;
  /**
   * Which database these versions count (PostgreSQL: its system identifier and name; the embedded
   * store: this process): part of every cache key, so processes on other databases that share a
   * Redis never read each other's answers.
   */
  storeId: string = randomUUID();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {
    super();
    this.setMaxListeners(0);
  }

  async start(): Promise<void> {
    await this.loadTenants();
    await this.refresh();
    if (this.db.kind === 'postgres') {
      const [row] = await withSqlTally({ statements: 0 }, () =>
        this.db.orm.em.getConnection().execute<{ id: string }[]>('select (select system_identifier from pg_control_system()) || \'/\' || current_database() as id'),
      );
      this.storeId = row.id;
      await this.listen();
    }
    else this.listenEmbedded();
  }

  /**
   * The embedded store is one PostgreSQL session (PGlite) behind the pool's single connection: that
   * connection LISTENs, and PostgreSQL delivers a session's own notifications at its commit, before
   * the commit returns. Every connection the pool creates listens (the pool may replace it).
   */
  private listenEmbedded(): void {
    const pool = (this.db.orm.em.getConnection().getKnex().client as { pool?: TarnPool }).pool;
    const attach = (conn: PgConnection) => {
      if (conn.__dataVersions) return;
      conn.__dataVersions = true;
      conn.on('notification', (msg) => this.onNotification(msg.payload));
      conn.query('listen data_version').catch(() => undefined);
    };
    pool?.on('createSuccess', (_id: unknown, conn: PgConnection) => attach(conn));
    for (const r of [...(pool?.free ?? []), ...(pool?.used ?? [])]) attach(r.resource);
  }

  private onNotification(payload: string | undefined): void {
    const [tenant, bucket, version] = (payload ?? '').split(' ');
    if (version !== undefined) this.apply(Number(tenant), bucket, Number(version));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    const l = this.listener;
    this.listener = null;
    await l?.end().catch(() => undefined);
  }

  /** The id of a tenant by its province code (from memory). */
  tenantIdByCode(code: string): number | undefined {
    return this.byCode.get(code);
  }

  /** The current value of a version key. */
  get(key: VersionKey): number {
    if (key === 'g') return this.globalSum;
    const [kind, tenant, bucket] = key.split(':');
    const t = Number(tenant);
    if (kind === 't') return this.tenantSums.get(t) ?? 0;
    if (kind === 's') return this.counters.get(`${t} s`) ?? 0;
    return this.counters.get(`${t} ${bucket}`) ?? 0;
  }

  /** Records a counter's value (from a notification or a reload); emits `change` when it moved forward. */
  apply(tenantId: number, bucket: string, version: number): void {
    const k = `${tenantId} ${bucket}`;
    const old = this.counters.get(k) ?? 0;
    if (!(version > old)) return;
    this.counters.set(k, version);
    this.tenantSums.set(tenantId, (this.tenantSums.get(tenantId) ?? 0) + version - old);
    this.globalSum += version - old;
    if (bucket === 's') void this.loadTenants().catch(() => undefined);
    this.emit('change', { tenantId, bucket } satisfies VersionChange);
  }

  /** Reloads every counter (one statement, not counted in the request's tally). */
  async refresh(): Promise<void> {
    const rows = await withSqlTally({ statements: 0 }, () =>
      this.db.orm.em.getConnection().execute<{ tenant_id: number; bucket: string; version: string }[]>('select tenant_id, bucket, version from data_version'),
    );
    for (const r of rows) this.apply(Number(r.tenant_id), r.bucket, Number(r.version));
  }

  private async loadTenants(): Promise<void> {
    const rows = await withSqlTally({ statements: 0 }, () =>
      this.db.orm.em.getConnection().execute<{ id: number; code: string }[]>('select id, code from tenant'),
    );
    for (const r of rows) this.byCode.set(r.code, Number(r.id));
  }

  private scheduleReconnect(err?: Error): void {
    if (this.stopped || this.retry) return;
    this.logger.warn({ err: err?.message }, 'data version listener lost; reconnecting');
    this.retry = setTimeout(() => {
      this.retry = null;
      this.listen()
        .then(() => this.refresh())
        .catch((e: Error) => this.scheduleReconnect(e));
    }, 1_000);
  }

  private async listen(): Promise<void> {
    const client = new Client({ connectionString: this.db.url, keepAlive: true });
    client.on('notification', (msg) => this.onNotification(msg.payload));
    const lost = (err?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => undefined);
      this.scheduleReconnect(err);
    };
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.connect();
      await client.query('listen data_version');
    } catch (err) {
      client.end().catch(() => undefined);
      throw err;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.listener = client;
  }
}
