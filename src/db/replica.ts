import { OperationTypeNode, parse } from 'graphql';
import type { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from '../logger';
import type { Principal } from '../auth/principal';
import type { Database } from './orm';
import { outsideSqlTally } from './sql-counter';
import type { Redis } from '../redis';

/**
 * Read routing to a streaming replica (`DATABASE_REPLICA_URL`).
 *
 * A request that cannot write (a query, a REST read) runs on the replica; a mutation runs on the
 * primary. Read-your-writes: after a mutation commits, the primary's WAL position is noted for the
 * caller, and that caller's reads stay on the primary until the replica has replayed past it, or
 * until `maxWaitMs` has passed (a replica that stopped replaying must not pin a writer to the
 * primary for ever; past the bound the read is as fresh as the replica). Authentication, and the
 * API keys' `lastUsedAt` it records, always use the primary.
 *
 * A replica that does not answer is set aside: reads go to the primary until a probe succeeds.
 */
export interface ReadRoutingOptions {
  /** How long a writer's reads may be held on the primary waiting for the replica (ms). */
  maxWaitMs: number;
  /** How often the replica's replay position is read at most (ms). */
  probeIntervalMs: number;
}

interface Pending {
  lsn: bigint;
  until: number;
}

/** `0/16B3748` → 0x16B3748 as a bigint (PostgreSQL's pg_lsn text form). */
export function parseLsn(text: string | null | undefined): bigint | null {
  if (!text) return null;
  const m = /^([0-9A-F]+)\/([0-9A-F]+)$/i.exec(text);
  if (!m) return null;
  return (BigInt(`0x${m[1]}`) << 32n) + BigInt(`0x${m[2]}`);
}

/** Who a write is remembered for: the staff member or the key (the public never writes). */
export function callerKey(p: Principal): string | null {
  if (p.kind === 'staff') return `staff:${p.unit.tenantId}:${p.sub}`;
  if (p.kind === 'key') return `key:${p.keyId}`;
  return null;
}

const documentKinds = new Map<string, boolean>();
const MAX_REMEMBERED_DOCUMENTS = 2_000;

/**
 * Whether an HTTP GraphQL body may write: true for a document holding a mutation, and when it
 * cannot be told (no query text, e.g. a persisted-query hash alone, or a document that does not
 * parse: Apollo answers that one itself). A GET is never a mutation (Apollo refuses those).
 */
export function mayWrite(method: string, body: unknown): boolean {
  if (method === 'GET' || method === 'HEAD') return false;
  const ops = Array.isArray(body) ? body : [body];
  for (const op of ops) {
    const query = op && typeof op === 'object' ? (op as { query?: unknown }).query : undefined;
    if (typeof query !== 'string') return true;
    let writes = documentKinds.get(query);
    if (writes === undefined) {
      try {
        writes = parse(query, { noLocation: true }).definitions.some((d) => d.kind === 'OperationDefinition' && d.operation !== OperationTypeNode.QUERY);
      } catch {
        writes = true;
      }
      if (documentKinds.size >= MAX_REMEMBERED_DOCUMENTS) documentKinds.clear();
      documentKinds.set(query, writes);
    }
    if (writes) return true;
  }
  return false;
}

export class ReadRouting {
  private readonly pending = new Map<string, Pending>();
  private replayed: bigint | null = null;
  private replayedAt = 0;
  private probing: Promise<void> | null = null;
  private replicaDown = false;

  constructor(
    private readonly primary: Database,
    private readonly replica: Database | null,
    private readonly options: ReadRoutingOptions,
    private readonly logger: Logger,
    /** With Redis, a writer's position is shared, so its next read waits on whichever instance it reaches. */
    private readonly redis: Redis | null = null,
    private readonly redisPrefix = '',
  ) {}

  private async pendingOf(key: string): Promise<Pending | undefined> {
    const local = this.pending.get(key);
    if (!this.redis?.isReady) return local;
    try {
      const [lsn, ttl] = await Promise.all([this.redis.get(`${this.redisPrefix}rw:${key}`), this.redis.pTTL(`${this.redisPrefix}rw:${key}`)]);
      const shared = parseLsn(lsn);
      if (shared === null) return local;
      const fromRedis = { lsn: shared, until: Date.now() + Math.max(0, Number(ttl)) };
      return local && local.lsn > shared ? local : fromRedis;
    } catch {
      return local;
    }
  }

  get enabled(): boolean {
    return this.replica !== null;
  }

  /** The ORM a request runs on: the replica for reads when it is fresh enough for this caller. */
  async ormFor(principal: Principal, writes: () => boolean): Promise<{ orm: MikroORM; target: 'primary' | 'replica' }> {
    // The document is looked at only when there is a replica to send it to.
    if (!this.replica || writes()) return { orm: this.primary.orm, target: 'primary' };
    const key = callerKey(principal);
    const pending = key ? await this.pendingOf(key) : undefined;
    if (pending) {
      if (Date.now() >= pending.until) {
        this.pending.delete(key!);
      } else {
        const replayed = await this.replayPosition(true);
        if (replayed === null || replayed < pending.lsn) return { orm: this.primary.orm, target: 'primary' };
        this.pending.delete(key!);
      }
    }
    // Keeps the replica's state fresh (at most one probe per interval, off the request's path).
    void this.replayPosition(false);
    if (this.replicaDown) return { orm: this.primary.orm, target: 'primary' };
    return { orm: this.replica.orm, target: 'replica' };
  }

  /** After a mutation committed: the caller reads its own writes until the replica replays them. */
  async noteWrite(principal: Principal): Promise<void> {
    if (!this.replica) return;
    const key = callerKey(principal);
    if (!key) return;
    try {
      const [row] = await this.primary.orm.em.getConnection().execute<{ lsn: string }[]>('select pg_current_wal_lsn()::text as lsn');
      const lsn = parseLsn(row?.lsn);
      if (lsn !== null) {
        this.pending.set(key, { lsn, until: Date.now() + this.options.maxWaitMs });
        if (this.redis?.isReady && this.options.maxWaitMs > 0) {
          await this.redis.set(`${this.redisPrefix}rw:${key}`, row.lsn, { PX: this.options.maxWaitMs }).catch(() => undefined);
        }
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'could not read the primary WAL position after a write');
    }
    if (this.pending.size > 100_000) this.prune();
  }

  /** Replica state for /health. */
  async status(): Promise<{ replica: 'up' | 'down' | 'none'; replayLsnAgeMs?: number }> {
    if (!this.replica) return { replica: 'none' };
    await this.replayPosition(true);
    return { replica: this.replicaDown ? 'down' : 'up', replayLsnAgeMs: Date.now() - this.replayedAt };
  }

  private prune(): void {
    const now = Date.now();
    for (const [k, p] of this.pending) if (p.until <= now) this.pending.delete(k);
  }

  /**
   * The replica's replay position, read at most once per probe interval (concurrent callers share
   * one probe). With `wait` false the probe runs in the background.
   */
  private async replayPosition(wait: boolean): Promise<bigint | null> {
    if (Date.now() - this.replayedAt < this.options.probeIntervalMs && !this.probing) return this.replicaDown ? null : this.replayed;
    const probeOnce = async () => {
      try {
        const [row] = await this.replica!.orm.em.getConnection().execute<{ lsn: string | null }[]>('select pg_last_wal_replay_lsn()::text as lsn');
        this.replayed = parseLsn(row?.lsn);
        if (this.replicaDown) this.logger.info('read replica is back: reads go to it again');
        this.replicaDown = false;
      } catch (err) {
        if (!this.replicaDown) this.logger.warn({ err: (err as Error).message }, 'read replica unreachable: reads go to the primary');
        this.replicaDown = true;
      } finally {
        this.replayedAt = Date.now();
      }
    };
    if (!this.probing) {
      const started = wait ? probeOnce() : outsideSqlTally(probeOnce);
      this.probing = started;
      void started.then(() => {
        if (this.probing === started) this.probing = null;
      });
    }
    if (wait) await this.probing;
    return this.replicaDown ? null : this.replayed;
  }

  /** Reads the replica's position once before serving, so a replica that is down is known at once. */
  async start(): Promise<void> {
    if (this.replica) await this.replayPosition(true);
  }

  async close(): Promise<void> {
    await this.replica?.close();
  }
}
