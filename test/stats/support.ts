import { gql, TestApp } from '../support/app';

/** Deterministic PRNG (mulberry32), so a failing sequence can be replayed from its seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)],
    chance: (p: number) => next() < p,
  };
}

/** Rollup rows of a tenant that differ from a recount of the raw tables. */
export async function rollupDifferences(t: TestApp, tenantId: number): Promise<any[]> {
  return t.app.db.orm.em.fork().execute('select * from rollup_verify(?) limit 20', [tenantId]);
}

/** Runs a mutation; a refusal must be a clean BAD_USER_INPUT or NOT_FOUND, anything else fails. */
export async function tryWrite(t: TestApp, query: string, variables: Record<string, unknown> = {}): Promise<any | null> {
  const res = await gql(t, query, variables);
  if (res.body.errors?.length) {
    const { code, reason } = res.body.errors[0].extensions ?? {};
    // A query the schema rejects is a bug of the test, not a refused write.
    if ((code !== 'BAD_USER_INPUT' && code !== 'NOT_FOUND') || reason === 'GRAPHQL_VALIDATION_FAILED') throw new Error(`unexpected error: ${JSON.stringify(res.body.errors)}`);
    return null;
  }
  return res.body.data;
}

export interface UnitRef {
  id: string;
  code: string;
  level: string;
}

export async function unitsOf(t: TestApp, tenant: string): Promise<UnitRef[]> {
  const out: UnitRef[] = [];
  let after: string | null = null;
  for (;;) {
    const res: any = await gql(t, `query($after: String) { units(filter: { tenant: "${tenant}" }, first: 500, after: $after) { edges { node { id code level } } pageInfo { hasNextPage endCursor } } }`, { after });
    out.push(...res.body.data.units.edges.map((e: any) => e.node));
    if (!res.body.data.units.pageInfo.hasNextPage) return out;
    after = res.body.data.units.pageInfo.endCursor;
  }
}
