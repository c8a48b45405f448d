import type http from 'node:http';
import { WebSocketServer } from 'ws';
import { useServer } from 'graphql-ws/use/ws';
import { GraphQLError, GraphQLSchema, getOperationAST, parse, specifiedRules, stripIgnoredCharacters, validate, DocumentNode, OperationDefinitionNode } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { AppConfig } from '../config';
import type { Logger } from '../logger';
import type { Database } from '../db/orm';
import type { Principal } from '../auth/principal';
import { authenticate } from '../auth/authenticate';
import type { TokenVerifier } from '../auth/tokens';
import { depthRule, operationCost } from '../auth/limits';
import { withSqlTally } from '../db/sql-counter';
import { ErrorCode } from '../errors';
import type { DataVersions } from '../cache/versions';
import { LiveHub } from './live';

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
};

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
  const rules = [...specifiedRules, depthRule(config.limits.maxDepth)];
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
    if (!price) prices.set(priceKey, (price = { cost: operationCost(deps.schema, document, operationName, variables, config.maxPageSize) }));
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
        let released = false;
        const release = () => {
          if (released) return;
          released = true;
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
      hub.close();
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
