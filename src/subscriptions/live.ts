import { createHash } from 'node:crypto';
import { DocumentNode, execute, ExecutionResult, GraphQLError, GraphQLFormattedError, GraphQLSchema, OperationDefinitionNode } from 'graphql';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/orm';
import { createContext } from '../context';
import type { Principal } from '../auth/principal';
import { scopeOf } from '../auth/principal';
import { withSqlTally } from '../db/sql-counter';
import type { DataVersions, VersionChange, VersionKey } from '../cache/versions';
import { DependencyAnalyser } from '../cache/dependencies';
import { visibilityOf } from '../cache/response-cache';

type Formatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** One subscriber's stream: graphql-ws iterates it; the group pushes into it. */
class Sink implements AsyncGenerator<ExecutionResult, void, unknown> {
  private readonly queue: ExecutionResult[] = [];
  private waiting: ((r: IteratorResult<ExecutionResult, void>) => void) | null = null;
  private done = false;

  constructor(private readonly onClose: () => void) {}

  push(value: ExecutionResult): void {
    if (this.done) return;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      w({ value, done: false });
    } else {
      // A slow reader keeps only the latest figures.
      if (this.queue.length >= 16) this.queue.shift();
      this.queue.push(value);
    }
  }

  next(): Promise<IteratorResult<ExecutionResult, void>> {
    if (this.queue.length) return Promise.resolve({ value: this.queue.shift()!, done: false });
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<ExecutionResult, void>> {
    if (!this.done) {
      this.done = true;
      this.queue.length = 0;
      this.waiting?.({ value: undefined, done: true });
      this.waiting = null;
      this.onClose();
    }
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<ExecutionResult, void>> {
    void this.return();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.return();
  }
}

/** What a subscription asks, after validation (src/subscriptions/server.ts). */
export interface LiveRequest {
  document: DocumentNode;
  operation: OperationDefinitionNode;
  operationName?: string | null;
  variables: Record<string, unknown>;
  /** The normalized document text (ignored characters stripped). */
  normalized: string;
  principal: Principal;
}

/**
 * Subscriptions with the same document, variables and visibility form one group: the group runs
 * the document once (as a query whose root is the event, with a context of the group's caller)
 * and sends the same result to all its members. 10,000 `statsChanged` subscriptions over 137 units
 * and one period are 137 computations per change, not 10,000.
 *
 * A group is woken by the data versions its answer depends on (the same as the response cache's:
 * the unit's depth-1 subtree and its tenant's settings, or the whole tenant for a province), at most
 * once per interval (coalescing), and sends only when the result differs from the last one sent.
 * `itemPublished` groups read the items published since their last look (`item_publication`).
 */
class Group {
  readonly members = new Set<Sink>();
  private last: string | null = null;
  /** statsChanged: the figures last computed, the first message of every member that joins. */
  current: ExecutionResult | null = null;
  private timer: NodeJS.Timeout | null = null;
  private running = false;
  private dirty = false;
  private lastRun = 0;
  private lastSeq = 0;
  private closed = false;
  /** For itemPublished: the unit's tenant and path, and whether its whole subtree counts. */
  place: { tenantId: number; path: string; subtree: boolean } | null = null;

  constructor(
    private readonly hub: LiveHub,
    readonly key: string,
    readonly request: LiveRequest,
    readonly field: 'statsChanged' | 'itemPublished',
    readonly deps: VersionKey[],
  ) {}

  /** First look: checks the unit is visible (errors end the subscription) and takes the baseline. */
  async init(): Promise<readonly GraphQLError[] | null> {
    if (this.field === 'statsChanged') {
      const result = await this.hub.run(this, {});
      if (result.errors?.length) return result.errors;
      this.current = result;
      this.last = JSON.stringify(result);
      this.lastRun = Date.now();
      return null;
    }
    // The resolver checks the unit is visible to the caller, then finds no item: NOT_FOUND 'No such item.'.
    const probe = await this.hub.run(this, { itemId: null });
    if (!probe.errors?.length || !probe.errors.every((e) => e.message === 'No such item.')) return probe.errors ?? [new GraphQLError('Cannot subscribe.')];
    const rows = await this.hub.sql<{ tenant_id: number; path: string; seq: string }>(
      this,
      'select u.tenant_id, u.path, (select coalesce(max(p.seq), 0) from item_publication p where p.tenant_id = u.tenant_id) seq from org_unit u where u.id = ?',
      [this.hub.argOf(this.request, 'unitId')],
    );
    if (!rows.length) return [new GraphQLError('No such unit.', { extensions: { code: 'NOT_FOUND' } })];
    this.place = { tenantId: Number(rows[0].tenant_id), path: rows[0].path, subtree: this.hub.argOf(this.request, 'subtree') !== false };
    this.lastSeq = Number(rows[0].seq);
    return null;
  }

  changed(): void {
    if (this.closed || this.timer) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    const wait = Math.max(0, this.lastRun + this.hub.intervalMs - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, wait);
  }

  private async refresh(): Promise<void> {
    if (this.closed) return;
    this.running = true;
    this.lastRun = Date.now();
    try {
      if (this.field === 'statsChanged') {
        const result = await this.hub.run(this, {});
        const json = JSON.stringify(result);
        if (json !== this.last && !result.errors?.length) {
          this.last = json;
          this.current = result;
          for (const m of this.members) m.push(result);
        }
      } else if (this.place) {
        const p = this.place;
        const rows = await this.hub.sql<{ seq: string; item_id: string }>(
          this,
          `select seq, item_id from item_publication where seq > ? and tenant_id = ? and ${p.subtree ? 'unit_path ~>=~ ? and unit_path ~<~ ?' : 'unit_path = ? and ? is not null'} order by seq limit 500`,
          [this.lastSeq, p.tenantId, p.path, p.subtree ? p.path.slice(0, -1) + '0' : p.path],
        );
        for (const r of rows) {
          this.lastSeq = Math.max(this.lastSeq, Number(r.seq));
          const result = await this.hub.run(this, { itemId: r.item_id });
          if (!result.errors?.length) for (const m of this.members) m.push(result);
        }
      }
    } catch (err) {
      this.hub.logger.warn({ err: (err as Error).message, field: this.field }, 'subscription refresh failed');
    } finally {
      this.running = false;
      this.lastRun = Date.now();
      if (this.dirty) {
        this.dirty = false;
        this.changed();
      }
    }
  }

  get isClosed(): boolean {
    return this.closed;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}

export interface LiveHubDeps {
  schema: GraphQLSchema;
  db: Database;
  config: AppConfig;
  logger: Logger;
  versions: DataVersions;
  formatError: Formatter;
}

/**
 * How long `item_publication` keeps a row: itemPublished groups read what was published since their
 * last look, seconds ago, so a day is ample; older rows are deleted every hour by each process.
 */
export const ITEM_PUBLICATION_RETENTION_HOURS = 24;

/** Deletes the publication log's rows older than the retention; answers how many went. */
export async function pruneItemPublications(db: Database, olderThanHours = ITEM_PUBLICATION_RETENTION_HOURS): Promise<number> {
  const rows = await withSqlTally({ statements: 0 }, () =>
    db.orm.em.getConnection().execute<{ n: number }[]>(
      `with gone as (delete from item_publication where at < now() - make_interval(hours => ?) returning 1) select count(*)::int as n from gone`,
      [olderThanHours],
    ),
  );
  return rows[0]?.n ?? 0;
}

/** The groups of live subscriptions of this process, woken by data version changes. */
export class LiveHub {
  private readonly groups = new Map<string, Promise<Group>>();
  private readonly byDep = new Map<VersionKey, Set<Group>>();
  private readonly analyser: DependencyAnalyser;
  private readonly onChange: (c: VersionChange) => void;
  /** Group computations running at once (the pool is shared with queries). */
  private active = 0;
  private readonly queue: (() => void)[] = [];
  readonly logger: Logger;
  readonly intervalMs: number;

  constructor(private readonly deps: LiveHubDeps) {
    this.logger = deps.logger;
    this.intervalMs = deps.config.subscriptions.intervalMs;
    this.analyser = new DependencyAnalyser(deps.versions);
    this.onChange = ({ tenantId, bucket }) => {
      const keys = ['g', `t:${tenantId}`, bucket === 's' ? `s:${tenantId}` : `b:${tenantId}:${bucket}`];
      for (const k of keys) for (const g of this.byDep.get(k) ?? []) g.changed();
    };
    deps.versions.on('change', this.onChange);
  }

  get groupCount(): number {
    return this.groups.size;
  }

  close(): void {
    this.deps.versions.off('change', this.onChange);
    for (const g of this.groups.values()) void g.then((x) => x.close()).catch(() => undefined);
    this.groups.clear();
    this.byDep.clear();
  }

  /** The value of a root-field argument of the request (variables resolved). */
  argOf(req: LiveRequest, name: string): unknown {
    const field = req.operation.selectionSet.selections[0];
    if (field.kind !== 'Field') return undefined;
    const arg = field.arguments?.find((a) => a.name.value === name);
    if (!arg) return undefined;
    const v = arg.value;
    if (v.kind === 'Variable') return req.variables[v.name.value];
    if (v.kind === 'StringValue') return v.value;
    if (v.kind === 'BooleanValue') return v.value;
    return undefined;
  }

  private async slot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= 4) await new Promise<void>((resolve) => this.queue.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.queue.shift()?.();
    }
  }

  /** Executes the group's document once with `root` as the event, as its caller. */
  run(group: Group, root: Record<string, unknown>): Promise<ExecutionResult> {
    return this.slot(async () => {
      const tally = { statements: 0 };
      const ctx = createContext(this.deps.db.orm, this.deps.config, this.deps.logger, tally, group.request.principal);
      const result = (await withSqlTally(tally, () =>
        execute({
          schema: this.deps.schema,
          document: group.request.document,
          rootValue: root,
          contextValue: ctx,
          variableValues: group.request.variables,
          operationName: group.request.operationName,
        }),
      )) as ExecutionResult;
      if (!result.errors?.length) return result;
      // The same masking as HTTP answers: no SQL, no stack traces.
      const errors = result.errors.map((e) => {
        const f = this.deps.formatError(e.toJSON(), e);
        return new GraphQLError(f.message, { extensions: f.extensions, path: f.path });
      });
      return { ...result, errors };
    });
  }

  /** One statement of a group's bookkeeping, in the group's own tally. */
  sql<T>(_group: Group, sql: string, params: unknown[]): Promise<T[]> {
    return withSqlTally({ statements: 0 }, () => this.deps.db.orm.em.getConnection().execute<T[]>(sql, params));
  }

  /**
   * Joins (or creates) the group of this request. Returns the member's stream, or the errors that
   * refuse the subscription (an invisible or unknown unit, a bad period).
   */
  async join(req: LiveRequest, onClose: () => void): Promise<Sink | readonly GraphQLError[]> {
    const field = (req.operation.selectionSet.selections[0] as { name: { value: string } }).name.value as 'statsChanged' | 'itemPublished';
    const key = createHash('sha256')
      .update(JSON.stringify([req.normalized, req.operationName ?? null, req.variables, visibilityOf(req.principal)]))
      .digest('base64url');
    let pending = this.groups.get(key);
    if (!pending) {
      pending = (async () => {
        const em = this.deps.db.orm.em.fork({ useContext: false });
        const deps = await withSqlTally({ statements: 0 }, () =>
          this.analyser.analyse(em as never, scopeOf(req.principal), req.document, req.operation, req.variables),
        );
        const g = new Group(this, key, req, field, deps);
        const errors = await g.init();
        if (errors) throw Object.assign(new Error('refused'), { graphqlErrors: errors });
        for (const d of deps) {
          let set = this.byDep.get(d);
          if (!set) this.byDep.set(d, (set = new Set()));
          set.add(g);
        }
        return g;
      })();
      this.groups.set(key, pending);
    }
    let group: Group;
    try {
      group = await pending;
    } catch (err) {
      if (this.groups.get(key) === pending) this.groups.delete(key);
      const errors = (err as { graphqlErrors?: readonly GraphQLError[] }).graphqlErrors;
      if (errors) return errors;
      this.logger.warn({ err: (err as Error).message }, 'subscription refused');
      return [new GraphQLError('The subscription could not be started.', { extensions: { code: 'INTERNAL_SERVER_ERROR' } })];
    }
    if (group.isClosed) return this.join(req, onClose);
    const sink: Sink = new Sink(() => {
      group.members.delete(sink);
      onClose();
      if (group.members.size === 0) this.drop(group);
    });
    group.members.add(sink);
    // The figures as they are now come first: a client that subscribes, then renders what it
    // receives, cannot miss a write that lands between its own query and the subscription.
    if (group.current) sink.push(group.current);
    return sink;
  }

  private drop(group: Group): void {
    group.close();
    this.groups.delete(group.key);
    for (const d of group.deps) {
      const set = this.byDep.get(d);
      set?.delete(group);
      if (set && set.size === 0) this.byDep.delete(d);
    }
  }
}
