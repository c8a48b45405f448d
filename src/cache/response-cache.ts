import { createHash } from 'node:crypto';
import { metrics } from '../metrics';
import type express from 'express';
import { Keyv } from 'keyv';
import KeyvRedis from '@keyv/redis';
import { LRUCache } from 'lru-cache';
import { stripIgnoredCharacters } from 'graphql';
import { HeaderMap, type ApolloServerPlugin, type GraphQLRequestContext } from '@apollo/server';
import type { RequestContext } from '../context';
import type { Principal } from '../auth/principal';
import type { Logger } from '../logger';
import type { SqlTally } from '../db/sql-counter';
import type { DataVersions, VersionKey } from './versions';
import { DependencyAnalyser } from './dependencies';
import { withSqlTally } from '../db/sql-counter';
import type { CacheConfig } from './config';

/** Request header that skips the cache (the benchmark's uncached scenarios, debugging). */
export const BYPASS_HEADER = 'x-cache-bypass';
const VARY = 'Authorization, X-Api-Key, Accept';

/** What the caller may see, as part of the key: the public, or the credential's tenant, subtree and rights. */
export function visibilityOf(p: Principal): string {
  if (p.kind === 'anonymous') return 'public';
  if (p.kind === 'staff') return `staff ${p.unit.tenantId} ${p.unit.path} ${[...p.roles].sort().join(',')}`;
  return `key ${p.unit.tenantId} ${p.unit.path} ${[...p.scopes].sort().join(',')}`;
}

const sha = (s: string) => createHash('sha256').update(s).digest('base64url');

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` variables make one key. */
function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
  if (Array.isArray(v)) return `[${v.map(stableJson).join(',')}]`;
  return `{${Object.keys(v as object)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
    .join(',')}}`;
}

interface OpState {
  key?: string;
  public?: boolean;
  hit?: boolean;
  notModified?: boolean;
  bypass?: boolean;
  mutation?: boolean;
  ownStatements?: number;
}

/**
 * The response cache of queries and the HTTP caching of their answers (issue 15).
 *
 * Key = the normalized document (ignored characters stripped) + operation name + variables + what
 * the caller may see + the current values of the data versions the answer depends on (see
 * dependencies.ts) + the TTL window. The key is computed before execution from memory alone, and
 * it is also the strong ETag: `If-None-Match` with the current key answers 304 without running the
 * operation, and a stored answer under the current key is served without SQL. A commit moves a
 * version, so the next request computes another key: an answer is never served after the commit
 * of a write it depends on (the versions of this process are current, see versions.ts).
 *
 * Storage is keyv: an LRU in process by default, Redis when REDIS_URL is set (shared by every API
 * process). Apollo's response-cache plugin was not used: it keys by cache hints that need the
 * cache-control plugin wrapping every resolver (thousands per dashboard, the cost the server
 * removed), and it cannot check an ETag before execution or depend on data versions.
 *
 * Two ways in: `fastPath` (express, before Apollo) serves public GET/POST requests whose key it
 * already knows, without parsing, validating or building a context; the Apollo plugin serves every
 * other query (credentialed ones, first sights) and stores the answers.
 */
export class ResponseCache {
  readonly store: Keyv<string>;
  private readonly analyser: DependencyAnalyser;
  /** base key (document, operation, variables, visibility) → the version keys its answer depends on. */
  private readonly deps = new LRUCache<string, VersionKey[]>({ max: 20_000 });
  /** raw document text → normalized document hash. */
  private readonly docs = new LRUCache<string, string>({ max: 5_000 });
  /** persisted-query hash → normalized document hash. */
  private readonly persisted = new LRUCache<string, string>({ max: 5_000 });

  constructor(
    readonly config: CacheConfig,
    readonly versions: DataVersions,
    private readonly logger: Logger,
  ) {
    this.analyser = new DependencyAnalyser(versions);
    this.store = config.redisUrl
      ? new Keyv<string>({ store: new KeyvRedis(config.redisUrl), namespace: config.redisNamespace ?? 'edu:gql' })
      : new Keyv<string>({ store: lruStore(config.maxEntries) as never });
    this.store.on('error', (err: Error) => this.logger.warn({ err: err.message }, 'response cache storage error'));
    versions.on('change', ({ bucket }: { bucket: string }) => {
      if (bucket === 's') this.deps.clear();
    });
  }

  async close(): Promise<void> {
    await this.store.disconnect().catch(() => undefined);
  }

  private docKey(source: string): string {
    let k = this.docs.get(source);
    if (!k) {
      k = sha(stripIgnoredCharacters(source));
      this.docs.set(source, k);
    }
    return k;
  }

  private baseKey(doc: string, operationName: unknown, variables: unknown, visibility: string): string {
    return sha(stableJson([doc, operationName ?? null, variables ?? {}, visibility]));
  }

  /** The full key (and strong ETag value) under the current versions and TTL window. */
  private fullKey(base: string, deps: VersionKey[]): string {
    const window = Math.floor(Date.now() / (this.config.ttlSeconds * 1000));
    return sha(`${this.versions.storeId}|${base}|${deps.map((d) => `${d}=${this.versions.get(d)}`).join(',')}|${window}`);
  }

  /** A stored answer, or undefined (also when the storage fails or takes over 100 ms: Redis away is a miss, not a stall). */
  private async lookup(key: string): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        this.store.get(key),
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), 100);
        }),
      ]);
    } catch {
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  private headers(set: (name: string, value: string) => void, key: string, isPublic: boolean, hit: string): void {
    set('etag', `"${key}"`);
    set('cache-control', isPublic ? `public, max-age=${this.config.maxAgeSeconds}` : 'private, no-cache');
    set('vary', VARY);
    set('x-cache', hit);
  }

  /** Express middleware in front of Apollo: public queries whose key is known are answered here. */
  fastPath(): express.RequestHandler {
    return async (req, res, next) => {
      try {
        if (!this.config.enabled || req.headers[BYPASS_HEADER] || req.headers.authorization || req.headers['x-api-key']) return next();
        const get = req.method === 'GET';
        if (!get && req.method !== 'POST') return next();
        let p: Record<string, unknown>;
        if (get) {
          // The CSRF rule Apollo applies to GET: a non-simple content type or a preflight header.
          const ct = String(req.headers['content-type'] ?? '').split(';')[0].trim();
          if (!req.headers['apollo-require-preflight'] && !req.headers['x-apollo-operation-name'] && (!ct || ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'].includes(ct))) return next();
          const q = req.query as Record<string, unknown>;
          p = { query: q.query, operationName: q.operationName, variables: q.variables ? JSON.parse(String(q.variables)) : undefined, extensions: q.extensions ? JSON.parse(String(q.extensions)) : undefined };
        } else {
          if (!req.body || typeof req.body !== 'object' || Array.isArray(req.body)) return next();
          p = req.body as Record<string, unknown>;
        }
        const hash = (p.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
        const doc = typeof p.query === 'string' ? this.docKey(p.query) : typeof hash === 'string' ? this.persisted.get(hash) : undefined;
        if (!doc) return next();
        const base = this.baseKey(doc, p.operationName, p.variables, 'public');
        const deps = this.deps.get(base);
        if (!deps) return next();
        const key = this.fullKey(base, deps);
        const tally = res.locals.sqlTally as SqlTally | undefined;
        const set = (n: string, v: string) => res.setHeader(n, v);
        if (get && matches(req.headers['if-none-match'], key)) {
          this.headers(set, key, true, 'HIT');
          res.setHeader('x-sql-statements', String(tally?.statements ?? 0));
          res.status(304).end();
          return;
        }
        const body = await this.lookup(key);
        if (body === undefined) return next();
        this.headers(set, key, true, 'HIT');
        res.setHeader('x-sql-statements', String(tally?.statements ?? 0));
        res.setHeader('content-type', 'application/json; charset=utf-8');
        res.status(200).send(body + '\n');
      } catch {
        next();
      }
    };
  }

  /** The Apollo plugin: keys, 304s and hits for every query; stores misses; refreshes versions after mutations. */
  plugin(): ApolloServerPlugin<RequestContext> {
    const cache = this;
    return {
      async requestDidStart(rc: GraphQLRequestContext<RequestContext>) {
        const state: OpState = {};
        const headers = rc.request.http?.headers;
        return {
          async responseForOperation({ request, document, operation, contextValue, source }) {
            if (operation.operation === 'mutation') state.mutation = true;
            if (!cache.config.enabled || operation.operation !== 'query' || headers?.get(BYPASS_HEADER) || (contextValue as { batched?: boolean }).batched) {
              state.bypass = true;
              return null;
            }
            const doc = cache.docKey(source);
            const hash = (request.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)?.persistedQuery?.sha256Hash;
            if (typeof hash === 'string') cache.persisted.set(hash, doc);
            const visibility = visibilityOf(contextValue.principal);
            const base = cache.baseKey(doc, request.operationName, request.variables, visibility);
            let deps = cache.deps.get(base);
            if (!deps) {
              // The cache's own look-ups (where a named unit lies: once per unit and process) are
              // counted apart, in x-cache-statements, not in the operation's x-sql-statements.
              const own = { statements: 0 };
              deps = await withSqlTally(own, () => cache.analyser.analyse(contextValue.em, contextValue.scope, document, operation, request.variables ?? {}));
              cache.deps.set(base, deps);
              state.ownStatements = own.statements;
            }
            state.key = cache.fullKey(base, deps);
            state.public = visibility === 'public';
            const empty = () => ({ http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single' as const, singleResult: { data: null } } });
            if (request.http?.method === 'GET' && matches(headers?.get('if-none-match'), state.key)) {
              // express turns this 200 into a 304 (the ETag matches) and sends no body.
              state.notModified = true;
              return empty();
            }
            const body = await cache.lookup(state.key);
            if (body === undefined) return null;
            state.hit = true;
            return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: JSON.parse(body) } };
          },
          async willSendResponse({ response, contextValue }) {
            const h = response.http.headers;
            if (state.mutation) {
              h.set('cache-control', 'no-store');
              // The writer's own next read must see its write, whatever the notification's timing.
              await cache.versions.refresh().catch(() => undefined);
              return;
            }
            const single = response.body.kind === 'single' ? response.body.singleResult : null;
            // An answer read on a replica may predate the commit its data versions name (the versions
            // come from the primary): never stored, never given an ETag (docs/scale-out.md).
            const fromReplica = (contextValue as { readFromReplica?: boolean } | undefined)?.readFromReplica === true && !state.hit && !state.notModified;
            if (!state.key || state.bypass || fromReplica || !single || (single.errors && !state.notModified)) {
              h.set('cache-control', 'no-store');
              if (state.key === undefined && cache.config.enabled) h.set('x-cache', 'BYPASS');
              return;
            }
            cache.headers((n, v) => h.set(n, v), state.key, !!state.public, state.hit || state.notModified ? 'HIT' : 'MISS');
            (state.hit || state.notModified ? metrics.cacheHits : metrics.cacheMisses).inc({ cache: 'response' });
            if (state.ownStatements) h.set('x-cache-statements', String(state.ownStatements));
            if (!state.hit && !state.notModified) {
              // Not awaited: the answer does not wait for the storage.
              void cache.store.set(state.key, JSON.stringify(single), cache.config.ttlSeconds * 1000).catch(() => undefined);
            }
          },
        };
      },
    };
  }
}

/** An LRU (lru-cache) with the Map-like face keyv expects of a store (keyv passes the TTL as a number). */
function lruStore(max: number) {
  const lru = new LRUCache<string, object>({ max });
  return {
    get: (k: string) => lru.get(k),
    set: (k: string, v: object, ttl?: number) => lru.set(k, v, ttl ? { ttl } : undefined),
    delete: (k: string) => lru.delete(k),
    clear: () => lru.clear(),
    has: (k: string) => lru.has(k),
  };
}

function matches(header: string | string[] | undefined, key: string): boolean {
  if (!header) return false;
  const v = Array.isArray(header) ? header.join(',') : header;
  return v.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${key}"`);
}
