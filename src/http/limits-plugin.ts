import type { ApolloServerPlugin } from '@apollo/server';
import {
  DocumentNode,
  GraphQLError,
  GraphQLObjectType,
  GraphQLSchema,
  getNamedType,
  getVariableValues,
  getNullableType,
  isListType,
  isObjectType,
  OperationDefinitionNode,
  ValidationContext,
  ValidationRule,
  visit,
} from 'graphql';
import { ComplexityEstimator, getComplexity } from 'graphql-query-complexity';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import type { AppConfig } from '../config';
import type { RequestContext } from '../context';
import { BadInputError, faultStatus, RETRY_AFTER_S } from '../errors';

/**
 * The limits every GraphQL operation passes before it runs (docs/limits.md):
 * - parsing: at most MAX_TOKENS tokens (graphql-js `maxTokens`, set in server.ts);
 * - validation: depth, aliases and directives with fragments expanded (graphql-armor), and
 *   Apollo's cap on recursive selections (fragment fan-outs);
 * - before execution: no NUL character anywhere (PostgreSQL text cannot hold one), at most 50 bad
 *   variable values, and a cost that prices what the operation costs in SQL statements and rows.
 *   An operation whose cost cannot be computed is refused, never run unpriced;
 * - after execution: a database fault answers 503 (504 for a statement timeout) with Retry-After.
 */

/** What a unit of cost buys; see docs/limits.md. */
export const PRICE = {
  /** Any field: one value. */
  field: 1,
  /** `totalCount`: a count statement over the filtered rows. */
  count: 50,
  /** A non-empty `search` (argument or filter field): a scan of the text of every candidate row. */
  search: 1_000,
  /** One family of figures (interactions, disclosures …) of one unit: its share of a rollup read. */
  figures: 5,
} as const;

/** List fields without `first`: how many elements they may hold (the hierarchy's fan-out). */
const LIST_SIZE: Record<string, number> = { children: 15, ancestors: 4 };
/** Fields of UnitStats that are families of figures. */
const FIGURE_FAMILIES = new Set(['applications', 'centres', 'disclosures', 'disputes', 'interactions', 'officers']);

function hasSearch(args: Record<string, unknown>): boolean {
  const own = args.search;
  const nested = (args.filter as { search?: unknown } | undefined)?.search;
  return (typeof own === 'string' && own.trim() !== '') || (typeof nested === 'string' && nested.trim() !== '');
}

/**
 * The price of one field: its own statements and rows, plus its selection times the rows it returns.
 * A list with `first` returns at most `first` rows (beyond MAX_PAGE_SIZE the field refuses the value
 * itself, naming the argument, before any statement: then only its own price counts).
 */
function pricing(maxFirst: number): ComplexityEstimator {
  return ({ field, args, childComplexity, type, node }) => {
    let own = field.name === 'totalCount' ? PRICE.count : PRICE.field;
    if ((type as GraphQLObjectType).name === 'UnitStats' && FIGURE_FAMILIES.has(field.name)) own += PRICE.figures;
    if (hasSearch(args)) own += PRICE.search;
    if (typeof args.first === 'number') {
      // Out of range, the field refuses `first` itself (naming it) before any statement: only its own price.
      if (args.first < 0 || args.first > maxFirst) return own;
      // A connection's own `totalCount` is one count, not one per row: it is taken out of what
      // `first` multiplies (one written in a fragment stays multiplied: overpriced, never under).
      const counts = (node.selectionSet?.selections ?? []).filter((sel) => sel.kind === 'Field' && sel.name.value === 'totalCount').length * PRICE.count;
      return own + counts + args.first * Math.max(1, childComplexity - counts);
    }
    const fieldType = getNullableType(field.type);
    if (isListType(fieldType) && isObjectType(getNamedType(fieldType)) && LIST_SIZE[field.name]) return own + LIST_SIZE[field.name] * Math.max(1, childComplexity);
    return own + childComplexity;
  };
}

/** Thrown when the cost cannot be computed: the operation is refused, not run unpriced. */
export class UnpricedError extends BadInputError {
  constructor() {
    super('The operation cannot be priced (too many selections once its fragments are expanded); simplify it.', undefined, { reason: 'MAX_COST', http: { status: 400 } });
  }
}

/** The cost of the operation; throws UnpricedError when it cannot be computed. */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown> | undefined, maxFirst: number, maxNodes: number): number {
  try {
    return getComplexity({
      schema,
      query: document,
      operationName: operationName ?? undefined,
      variables: variables ?? {},
      estimators: [pricing(maxFirst)],
      maxQueryNodes: maxNodes,
    });
  } catch {
    throw new UnpricedError();
  }
}

export function costError(cost: number, maxCost: number): GraphQLError {
  return new BadInputError(`The operation costs ${cost}, more than the ${maxCost} allowed: ask for fewer rows (lower \`first\`), fewer counts and searches, or fewer fields.`, undefined, {
    reason: 'MAX_COST',
    cost,
    maxCost,
    http: { status: 400 },
  });
}

/** graphql-armor's rules report (rather than throw, which would escape graphql-js `validate`) with a reason. */
function report(reason: string) {
  return [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { reason } }))];
}

/** Validation rules: depth (introspection not counted), aliases and directives, fragments expanded. */
export function limitRules(limits: AppConfig['limits']): ValidationRule[] {
  const common = { propagateOnRejection: false, exposeLimits: true };
  return [
    maxDepthRule({ ...common, n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true, onReject: report('MAX_DEPTH') }) as ValidationRule,
    maxAliasesRule({ ...common, n: limits.maxAliases, onReject: report('MAX_ALIASES') }) as ValidationRule,
    maxDirectivesRule({ ...common, n: limits.maxDirectives, onReject: report('MAX_DIRECTIVES') }) as ValidationRule,
  ];
}

/** Most selections an operation may have once its fragments are expanded (Apollo's maxRecursiveSelections, and the pricing's node cap). */
export const MAX_SELECTIONS = 10_000;

const NUL = '\u0000';

/** The path of the first string holding a NUL character in a JSON value, or null. */
function nulPath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  for (const [k, v] of Object.entries(value as object)) {
    if (k.includes(NUL)) return path ? `${path}.${k.replace(/\0/g, '\\0')}` : k;
    const found = nulPath(v, path ? `${path}.${k}` : k, depth + 1);
    if (found) return found;
  }
  return null;
}

function documentHasNul(operation: OperationDefinitionNode, document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    StringValue(node) {
      if (node.value.includes(NUL)) found = true;
    },
  });
  return found || !!operation.name?.value.includes(NUL);
}

/** Most bad variable values reported; one more is refused here (graphql-js aborts at 50 with an untyped error). */
const MAX_VARIABLE_ERRORS = 50;

export function limitsPlugin(config: AppConfig): ApolloServerPlugin<RequestContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          if (!operation) return;
          const variables = request.variables ?? {};
          const at = nulPath(variables, '');
          if (at !== null || documentHasNul(operation, document)) {
            throw new BadInputError('Text may not contain the NUL character (\\u0000).', at ? `variables.${at}` : undefined, { reason: 'NUL_CHARACTER', http: { status: 400 } });
          }
          const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: MAX_VARIABLE_ERRORS });
          if (coerced.errors) {
            if (coerced.errors.length > MAX_VARIABLE_ERRORS) {
              throw new BadInputError(`More than ${MAX_VARIABLE_ERRORS} variable values are invalid; the first: ${coerced.errors[0].message}`, undefined, { reason: 'TOO_MANY_ERRORS', http: { status: 400 } });
            }
            // Execution reports each bad value precisely, before any resolver runs: nothing to price.
            return;
          }
          // The raw values: graphql-query-complexity coerces them itself (coerced enums would not coerce twice).
          const cost = operationCost(schema, document, request.operationName, variables, config.maxPageSize, MAX_SELECTIONS);
          if (cost > config.limits.maxCost) throw costError(cost, config.limits.maxCost);
        },
        async willSendResponse({ response }) {
          if (response.body.kind !== 'single') return;
          const reasons = new Set((response.body.singleResult.errors ?? []).map((e) => e.extensions?.reason));
          const fault = Math.max(0, ...[...reasons].map(faultStatus));
          if (fault) {
            response.http.status = fault;
            response.http.headers.set('retry-after', String(RETRY_AFTER_S));
          }
        },
      };
    },
  };
}


