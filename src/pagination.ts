import { ArgsType, ClassType, Field, Int, ObjectType } from 'type-graphql';
import { IsOptional, MaxLength } from 'class-validator';
import { BadInputError } from './errors';

@ObjectType({ description: 'Relay page information.' })
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field({ description: 'Always false: connections page forwards only (first/after).' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true })
  startCursor!: string | null;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Edge<T> {
  cursor: string;
  node: T;
}

/** What a connection resolver returns: the page, and a lazy total counted only when asked for. */
export interface ConnectionResult<T> {
  edges: Edge<T>[];
  pageInfo: PageInfo;
  countTotal(): Promise<number>;
}

/** Builds the `XConnection` and `XEdge` object types for a node type (type-graphql generics). */
export function Connection<T extends object>(node: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`)
  class EdgeType {
    @Field({ description: 'Opaque cursor of this edge; pass it as `after` to continue.' })
    cursor!: string;

    @Field(() => node)
    node!: T;
  }

  @ObjectType(`${name}Connection`, { description: `A page of ${name} nodes.` })
  class ConnectionType {
    @Field(() => [EdgeType])
    edges!: EdgeType[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    countTotal!: () => Promise<number>;

    // Counted only when a client asks for it, from the lazy function on the result object.
    @Field(() => Int, { description: 'Number of nodes matching the filter, across all pages.' })
    totalCount(): Promise<number> {
      return this.countTotal();
    }
  }
  return ConnectionType;
}

/**
 * Cursors are opaque to clients: base64url of a tagged JSON array of the sort key. The tag ties a
 * cursor to its connection, so a cursor of another list is refused rather than misread.
 */
export function encodeCursor(tag: string, key: (string | number)[]): string {
  return Buffer.from(JSON.stringify([tag, ...key]), 'utf8').toString('base64url');
}

export function decodeCursor(tag: string, cursor: string, arity: number, field = 'after'): (string | number)[] {
  const bad = () => new BadInputError(`Malformed cursor in \`${field}\`: pass a cursor this connection returned.`, field);
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 512 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw bad();
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed.length !== arity + 1 || parsed[0] !== tag) throw bad();
  const key = parsed.slice(1);
  if (!key.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)))) throw bad();
  return key as (string | number)[];
}

/** Validates `first` against the configured maximum. */
export function checkFirst(first: number, max: number, field = 'first'): number {
  if (!Number.isInteger(first) || first < 0) throw new BadInputError(`\`${field}\` must be a non-negative integer.`, field);
  if (first > max) throw new BadInputError(`\`${field}\` may be at most ${max}; page with \`after\` for more.`, field, { max });
  return first;
}

/** Turns `first + 1` fetched rows into a connection page. */
export function toConnection<T>(rows: T[], first: number, cursorOf: (row: T) => string, totalCount: () => Promise<number>): ConnectionResult<T> {
  const hasNextPage = rows.length > first;
  const page = hasNextPage ? rows.slice(0, first) : rows;
  const edges = page.map((node) => ({ cursor: cursorOf(node), node }));
  let memo: Promise<number> | null = null;
  return {
    edges,
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges.length ? edges[0].cursor : null,
      endCursor: edges.length ? edges[edges.length - 1].cursor : null,
    },
    countTotal: () => (memo ??= totalCount()),
  };
}

/**
 * Stands for the configured largest page (MAX_PAGE_SIZE) in schema descriptions: `getSchema`
 * (src/schema.ts) writes the number in, so a description never states a limit the server does not apply.
 */
export const MAX_PAGE_SIZE_TEXT = '{MAX_PAGE_SIZE}';

const pageArgs = new Map<number, ClassType>();

/**
 * The `first`/`after` arguments of a connection, as a base class for its ArgsType (type-graphql
 * inheritance): `class UnitsArgs extends PageArgs() { filter … }`. `first` is checked against
 * the configured maximum by `checkFirst`.
 */
export function PageArgs(defaultFirst = 50): ClassType<{ first: number; after?: string }> {
  const known = pageArgs.get(defaultFirst);
  if (known) return known as ClassType<{ first: number; after?: string }>;

  @ArgsType()
  class PageArgsType {
    @Field(() => Int, { defaultValue: defaultFirst, description: `Page size, at most ${MAX_PAGE_SIZE_TEXT}.` })
    first!: number;

    @Field(() => String, { nullable: true, description: 'Cursor of the last edge of the previous page.' })
    @IsOptional()
    @MaxLength(512)
    after?: string;
  }
  pageArgs.set(defaultFirst, PageArgsType);
  return PageArgsType;
}
