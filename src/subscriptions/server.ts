import type http from 'node:http';
import { metrics } from '../metrics';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, GraphQLSchema, getOperationAST, parse, specifiedRules, stripIgnoredCharacters, validate, DocumentNode, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/orm';
import { Principal, UnauthenticatedError } from '../auth/principal';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import { limitRules, MAX_SELECTIONS, operationCost } from '../http/limits-plugin';
import { withSqlTally } from '../db/sql-counter';
import { ErrorCode } from '../errors';
import type { DataVersions } from '../cache/versions';
import { LiveHub, pruneItemPublications } from './live';

export interface SubscriptionServerDeps {
  httpServer: http.Server;
  schema: GraphQLSchema;
  db: Database;
  config: AppConfig;
  logger: Logger;
  versions: DataVersions;
  verifyToken: TokenVerifier;
  formatError: (formatted: import('graphql').GraphQLFormattedError, error: unknown) => import('graphql').GraphQLFormattedError;
}

type ConnectionExtra = {
  principal?: Principal;
  caller?: string;
  active?: number;
  /** The connection's credential headers (checked again while it stays open). */
  credentials?: Record<string, string | undefined>;
  expiry?: NodeJS.Timeout;
};

/** graphql-ws's close code for a refused or lapsed credential. */
const FORBIDDEN = 4403;

const LIVE_FIELDS = new Set(['statsChanged', 'itemPublished']);

const badInput = (message: string, reason?: string, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BAD_USER_INPUT, ...(reason ? { reason } : {}), ...extra } });

/** The credentials of `connectionParams`, as the HTTP headers authentication reads. */
function headersOf(params: Record<string, unknown> | undefined): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(params ?? {})) {
    const name = k.toLowerCase();
    if (typeof v !== 'string') continue;
    if (name === 'authorization') out.authorization = v;
    else if (name === 'x-api-key' || name === 'apikey') out['x-api-key'] = v;
  }
  return out;
}

/**
 * Subscriptions over graphql-ws on the HTTP server's port and path (/graphql): the HTTP upgrade
 * is answered by `ws`, GraphQL over HTTP by Apollo. The caller authenticates once per connection
 * with the same credentials as HTTP, in `connectionParams` (`{ authorization: 'Bearer …' }` or
 * `{ 'x-api-key': 'edk_…' }`): a bad credential closes the connection (4403), none is the public.
 * Each subscription is validated with the query limits (depth, cost) and counted against the caps
 * per connection and per caller (a staff member, a key, or the client address for the public).
 */
export function startSubscriptionServer(deps: SubscriptionServerDeps): { hub: LiveHub; close(): Promise<void> } {
  const { config } = deps;
  const hub = new LiveHub({ schema: deps.schema, db: deps.db, config, logger: deps.logger, versions: deps.versions, formatError: deps.formatError });
  const perCaller = new Map<string, number>();
  const wss = new WebSocketServer({ server: deps.httpServer, path: '/graphql' });
  // Open connections by credential: a key revoked (or a staff unit gone) since the connection
  // opened closes them at the next check; a token closes its connection when it expires.
  const open = new Map<string, Set<{ close(code: number, reason: string): void }>>();
  const recheck = setInterval(() => {
    void (async () => {
      for (const [credential, sockets] of open) {
        if (!sockets.size) {
          open.delete(credential);
          continue;
        }
        try {
          const em = deps.db.orm.em.fork({ useContext: false });
          await withSqlTally({ statements: 0 }, () => authenticate(em as never, JSON.parse(credential) as Record<string, string>, deps.verifyToken));
        } catch (err) {
          // A database fault is not a lapsed credential: the next check decides.
          if (!(err instanceof UnauthenticatedError)) continue;
          for (const s of sockets) s.close(FORBIDDEN, 'Forbidden: the credential is no longer valid');
          open.delete(credential);
        }
      }
    })();
  }, config.subscriptions.recheckMs);
  recheck.unref();
  // The publication log keeps a day (src/subscriptions/live.ts).
  const prune = setInterval(() => void pruneItemPublications(deps.db).catch((err: Error) => deps.logger.warn({ err: err.message }, 'pruning item_publication failed')), 3_600_000);
  prune.unref();
  // The same limits as queries over HTTP: depth, aliases, directives (src/http/limits-plugin.ts).
  const rules = [...specifiedRules, ...limitRules(config.limits)];
  type Checked = { document: DocumentNode; operation: OperationDefinitionNode; variables: Record<string, unknown> } | { errors: readonly GraphQLError[] };
  const documents = new LRUCache<string, { document: DocumentNode } | { errors: readonly GraphQLError[] }>({ max: 1_000 });
  const prices = new LRUCache<string, { cost: number | null }>({ max: 10_000 });
  const normalizedText = new LRUCache<string, string>({ max: 1_000 });
  const normalized = (q: string) => {
    let n = normalizedText.get(q);
    if (n === undefined) normalizedText.set(q, (n = stripIgnoredCharacters(q)));
    return n;
  };
  const check = (query: string, operationName: string | null | undefined, variables: Record<string, unknown>): Checked => {
    let parsed = documents.get(query);
    if (!parsed) {
      try {
        const document = parse(query);
        const errors = validate(deps.schema, document, rules);
        parsed = errors.length ? { errors: errors.map((e) => badInput(e.message, 'GRAPHQL_VALIDATION_FAILED')) } : { document };
      } catch (err) {
        parsed = { errors: [badInput((err as Error).message, 'GRAPHQL_PARSE_FAILED')] };
      }
      documents.set(query, parsed);
    }
    if ('errors' in parsed) return parsed;
    const { document } = parsed;
    const operation = getOperationAST(document, operationName);
    if (!operation) return { errors: [badInput('Unable to identify the operation.')] };
    if (operation.operation !== 'subscription') return { errors: [badInput('Only subscriptions are served over the WebSocket; send queries and mutations over HTTP.', 'NOT_A_SUBSCRIPTION')] };
    const root = operation.selectionSet.selections[0];
    if (root.kind !== 'Field' || !LIVE_FIELDS.has(root.name.value)) return { errors: [badInput('Subscribe to one field: statsChanged or itemPublished.')] };
    const priceKey = `${operationName ?? ''}\n${JSON.stringify(variables)}\n${query}`;
    let price = prices.get(priceKey);
    if (!price) {
      // A subscription that cannot be priced is refused, as a query is.
      let cost: number | null = null;
      try {
        cost = operationCost(deps.schema, document, operationName, variables, config.maxPageSize, MAX_SELECTIONS);
      } catch (err) {
        return { errors: [badInput((err as Error).message, 'MAX_COST')] };
      }
      prices.set(priceKey, (price = { cost }));
    }
    const cost = price.cost;
    if (cost !== null && cost > config.limits.maxCost) return { errors: [badInput(`The operation costs ${cost}, more than the ${config.limits.maxCost} allowed.`, 'MAX_COST', { cost, maxCost: config.limits.maxCost })] };
    return { document, operation, variables };
  };

  const disposable = useServer<Record<string, unknown>, ConnectionExtra>(
    {
      schema: deps.schema,
      // Thousands of subscriptions opened at once may keep a new connection's init waiting.
      connectionInitWaitTimeout: 15_000,
      onConnect: async (ctx) => {
        try {
          const em = deps.db.orm.em.fork({ useContext: false });
          const principal = await withSqlTally({ statements: 0 }, () => authenticate(em as never, headersOf(ctx.connectionParams), deps.verifyToken));
          ctx.extra.principal = principal;
          ctx.extra.caller =
            principal.kind === 'staff' ? `user:${principal.unit.tenantId}:${principal.sub}` : principal.kind === 'key' ? `key:${principal.keyId}` : `ip:${ctx.extra.request.socket.remoteAddress}`;
          ctx.extra.active = 0;
          const headers = headersOf(ctx.connectionParams);
          if (principal.kind !== 'anonymous') {
            const socket = ctx.extra.socket;
            const credential = JSON.stringify(headers);
            let sockets = open.get(credential);
            if (!sockets) open.set(credential, (sockets = new Set()));
            sockets.add(socket);
            if (principal.kind === 'staff' && principal.lapsesAt !== undefined) {
              // When HTTP stops accepting the token (the verifier's `exp` plus the clock skew).
              ctx.extra.expiry = setTimeout(() => socket.close(FORBIDDEN, 'Forbidden: the token has expired'), Math.max(0, principal.lapsesAt - Date.now()));
              ctx.extra.expiry.unref();
            }
            socket.once('close', () => {
              clearTimeout(ctx.extra.expiry);
              sockets!.delete(socket);
            });
          }
          return true;
        } catch {
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const principal = ctx.extra.principal;
        if (!principal) return [new GraphQLError('Not connected.', { extensions: { code: ErrorCode.UNAUTHENTICATED } })];
        // Parsing, validation and pricing are memoized per document (and variables): dashboards
        // open thousands of identical subscriptions at once.
        const checked = check(payload.query, payload.operationName, (payload.variables ?? {}) as Record<string, unknown>);
        if ('errors' in checked) return checked.errors;
        const { document, operation, variables } = checked;
        const caller = ctx.extra.caller!;
        if ((ctx.extra.active ?? 0) >= config.subscriptions.perConnection) {
          return [badInput(`At most ${config.subscriptions.perConnection} subscriptions per connection.`, 'MAX_SUBSCRIPTIONS', { limit: config.subscriptions.perConnection })];
        }
        if ((perCaller.get(caller) ?? 0) >= config.subscriptions.perCaller) {
          return [badInput(`At most ${config.subscriptions.perCaller} subscriptions per caller.`, 'MAX_SUBSCRIPTIONS', { limit: config.subscriptions.perCaller })];
        }
        ctx.extra.active = (ctx.extra.active ?? 0) + 1;
        perCaller.set(caller, (perCaller.get(caller) ?? 0) + 1);
        metrics.subscriptionsOpen.inc();
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
          metrics.subscriptionsOpen.dec();
          ctx.extra.active = (ctx.extra.active ?? 1) - 1;
          const n = (perCaller.get(caller) ?? 1) - 1;
          if (n <= 0) perCaller.delete(caller);
          else perCaller.set(caller, n);
        };
        const joined = await hub.join(
          { document, operation, operationName: payload.operationName, variables, normalized: normalized(payload.query), principal },
          release,
        );
        if (Array.isArray(joined)) {
          release();
          return joined as readonly GraphQLError[];
        }
        // graphql-ws passes these to `subscribe` below, which hands back the member's stream.
        return { schema: deps.schema, document, operationName: payload.operationName, variableValues: variables, contextValue: { sink: joined } };
      },
      subscribe: (args) => (args.contextValue as { sink: AsyncGenerator<never> }).sink,
    },
    wss,
  );

  return {
    hub,
    async close() {
      clearInterval(recheck);
      clearInterval(prune);
      hub.close();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
