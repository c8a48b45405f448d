import type { TestApp } from '../support/app';

/** A raw POST to /graphql: the status, the headers and the parsed body (or the text when it is not JSON). */
export async function post(t: { url: string }, body: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const res = await fetch(t.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let parsed: any = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, headers: res.headers, body: parsed, text };
}

export const firstError = (r: { body: any }) => r.body?.errors?.[0];

/** No stack trace, no SQL, no driver message in a response. */
export const LEAKS = /\bat [^\n]*\.(ts|js):\d+|stacktrace|\bselect\s+[\w"*]|\binsert\s+into\b|\bupdate\s+"?\w+"?\s+set\b|\bdelete\s+from\b|syntax error at or near|violates|ECONNREFUSED|knex|mikro-orm/i;

/** `n` interaction events of Hunan's province unit, written by one statement (the rollup triggers run). */
export async function bulkEvents(t: TestApp, n: number, subject = '咨询招生政策'): Promise<void> {
  const conn = t.app.db.orm.em.fork().getConnection();
  const [u] = await conn.execute(`select tenant_id, id from org_unit where code = '430000'`);
  await conn.execute(
    `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status)
     select ?, gen_random_uuid(), ?, 'INTERVIEW', 'IN_PERSON', ? || ' ' || g, timestamptz '2024-01-01' + g * interval '1 minute', 'HELD'
       from generate_series(1, ?) g`,
    [u.tenant_id, u.id, subject, n],
  );
}
