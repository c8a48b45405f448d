import { gql, gqlData, startTestApp, TestApp } from '../support/app';

/**
 * GET /metrics (Prometheus text format, prom-client) on the real server: real requests move the
 * series they should, and METRICS_TOKEN guards the endpoint.
 */
let t: TestApp;

async function scrape(headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const res = await fetch(`${t.base}/metrics`, { headers });
  return { status: res.status, text: await res.text(), type: res.headers.get('content-type') };
}

/** The value of one series (labels given in any order, all of them must match), or 0 when absent. */
function value(text: string, name: string, labels: Record<string, string> = {}): number {
  let total = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) {
      total += Number(m[4]);
      found = true;
    }
  }
  return found ? total : 0;
}

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05, env: { METRICS_TOKEN: 'scrape-secret-0123456789', RATE_LIMIT_PER_IP: '40' } });
});
afterAll(async () => t?.close());

const AUTH = { authorization: 'Bearer scrape-secret-0123456789' };

describe('GET /metrics', () => {
  it('refuses a scrape without the token (401) and serves the Prometheus format with it', async () => {
    expect((await scrape()).status).toBe(401);
    expect((await scrape({ authorization: 'Bearer wrong' })).status).toBe(401);
    const ok = await scrape(AUTH);
    expect(ok.status).toBe(200);
    expect(ok.type).toMatch(/^text\/plain; version=0\.0\.4/);
    // Process metrics.
    expect(value(ok.text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(value(ok.text, 'nodejs_heap_size_used_bytes')).toBeGreaterThan(0);
    expect(value(ok.text, 'app_ready')).toBe(1);
    // Placeholders fed by other parts exist as real series.
    expect(ok.text).toMatch(/^# TYPE cache_hits_total counter$/m);
    expect(ok.text).toMatch(/^graphql_subscriptions_open\{service="edu-disclosure-api"\} 0$/m);
  });

  it('times operations by name and outcome, with their SQL statements and database time', async () => {
    const before = (await scrape(AUTH)).text;
    const ok = await gql(t, 'query CityList { unit(code: "430000") { children(level: CITY) { code } } }');
    expect(ok.status).toBe(200);
    expect(ok.statements).toBeGreaterThan(0);
    const bad = await gql(t, 'query BadOne { unit(code: "430000") { nope } }');
    expect(bad.status).toBe(400);
    const after = (await scrape(AUTH)).text;

    const count = (text: string, labels: Record<string, string>) => value(text, 'graphql_request_duration_seconds_count', labels);
    expect(count(after, { operation: 'CityList', type: 'query', outcome: 'ok' }) - count(before, { operation: 'CityList', type: 'query', outcome: 'ok' })).toBe(1);
    expect(count(after, { operation: 'BadOne', outcome: 'GRAPHQL_VALIDATION_FAILED' }) - count(before, { operation: 'BadOne', outcome: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(value(after, 'graphql_request_duration_seconds_sum', { operation: 'CityList' })).toBeGreaterThan(0);
    // The statements of the request, as its x-sql-statements header counted them.
    expect(value(after, 'graphql_request_sql_statements_sum', { operation: 'CityList' })).toBe(ok.statements);
    expect(value(after, 'graphql_request_db_seconds_count', { operation: 'CityList' })).toBe(1);
    expect(value(after, 'db_statements_total') - value(before, 'db_statements_total')).toBeGreaterThanOrEqual(ok.statements);
    expect(value(after, 'db_statement_seconds_total')).toBeGreaterThan(value(before, 'db_statement_seconds_total'));
    // The pool: its size, and every statement's wait for a connection.
    expect(value(after, 'db_pool_max_connections')).toBe(t.store === 'embedded' ? 1 : t.config.dbPoolSize);
    expect(after).toMatch(/^db_pool_connections\{state="pending",service="edu-disclosure-api"\} \d+$/m);
    expect(value(after, 'db_pool_acquire_wait_seconds_count')).toBeGreaterThan(value(before, 'db_pool_acquire_wait_seconds_count'));
  });

  it('keeps client-chosen operation names bounded', async () => {
    await gql(t, 'query { __typename }');
    const text = (await scrape(AUTH)).text;
    expect(value(text, 'graphql_request_duration_seconds_count', { operation: '(anonymous)' })).toBeGreaterThanOrEqual(1);
  });

  it('counts ingested rows and the rollup rows they write', async () => {
    const schools: { code: string }[] = await t.app.db.orm.em
      .fork()
      .getConnection()
      .execute(`select code from org_unit where tenant_id = 430000 and level = 'SCHOOL' order by code limit 5`);
    const rows = Array.from({ length: 25 }, (_, i) => ({
      unitCode: schools[i % schools.length].code,
      kind: 'MAILBOX',
      channel: 'PORTAL',
      subject: `metrics ${i}`,
      receivedAt: new Date(Date.parse('2023-03-01T02:00:00Z') + i * 3_600_000).toISOString(),
      externalId: `metrics-${i}`,
    }));
    const before = (await scrape(AUTH)).text;
    const mutation = `mutation($rows: [InteractionIngestRow!]!) { ingestInteractions(tenant: "430000", idempotencyKey: "metrics-1", rows: $rows) { accepted replayed } }`;
    expect((await gqlData(t, mutation, { rows })).ingestInteractions).toEqual({ accepted: 25, replayed: false });
    // A replay stores nothing and counts nothing.
    expect((await gqlData(t, mutation, { rows })).ingestInteractions).toEqual({ accepted: 25, replayed: true });
    const after = (await scrape(AUTH)).text;
    expect(value(after, 'ingest_rows_total', { operation: 'ingestInteractions' }) - value(before, 'ingest_rows_total', { operation: 'ingestInteractions' })).toBe(25);
    // 25 events on 5 schools: at least their day, month and year rows on the school and its 3 ancestors.
    const written = (text: string) => value(text, 'rollup_rows_written_total', { source: 'ingest' });
    expect(written(after) - written(before)).toBeGreaterThanOrEqual(3 * 4);
  });

  it('counts rate-limit refusals', async () => {
    const before = value((await scrape(AUTH)).text, 'rate_limit_refusals_total', { limit: 'address' });
    let refused = 0;
    for (let i = 0; i < 60 && refused === 0; i++) {
      const res = await gql(t, '{ __typename }');
      if (res.status === 429) refused++;
    }
    expect(refused).toBe(1);
    const after = value((await scrape(AUTH)).text, 'rate_limit_refusals_total', { limit: 'address' });
    expect(after - before).toBe(1);
  });
});
