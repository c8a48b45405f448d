import http from 'node:http';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, TEST_STORE } from '../support/database';

/**
 * OpenTelemetry traces: the compiled server in a process of its own (`npm test` builds first),
 * exporting over OTLP/HTTP to a receiver this test runs on loopback. Off by default: then not one
 * OpenTelemetry module is loaded.
 */
const ROOT = join(__dirname, '../..');
const ENTRY = join(ROOT, 'dist/src/main.js');

interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  scope: string;
  attributes: Record<string, unknown>;
}

/** A tiny OTLP/HTTP (JSON) receiver: keeps every span it is sent. */
function receiver(): Promise<{ url: string; spans: Span[]; close(): Promise<void> }> {
  const spans: Span[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      if (req.url === '/v1/traces') {
        const parsed = JSON.parse(body);
        for (const rs of parsed.resourceSpans ?? []) {
          for (const ss of rs.scopeSpans ?? []) {
            for (const s of ss.spans ?? []) {
              const attributes = Object.fromEntries((s.attributes ?? []).map((a: any) => [a.key, Object.values(a.value ?? {})[0]]));
              spans.push({ traceId: s.traceId, spanId: s.spanId, parentSpanId: s.parentSpanId, name: s.name, kind: s.kind, scope: ss.scope?.name, attributes });
            }
          }
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      resolve({ url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((r) => server.close(() => r())) });
    }),
  );
}

describe('traces (OpenTelemetry)', () => {
  let dataDir: string;
  let dbUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'edu-trace-'));
    if (TEST_STORE === 'postgres') {
      const db = await createTestDatabase();
      dbUrl = db.url;
      dropDb = db.drop;
    }
  });
  afterAll(async () => {
    rmSync(dataDir, { recursive: true, force: true });
    await dropDb?.();
  });

  it('are off by default: no OpenTelemetry SDK, exporter or instrumentation is loaded', () => {
    // (@opentelemetry/api, the no-op facade, is loaded by prom-client's process metrics either way.)
    const script = `require(${JSON.stringify(join(ROOT, 'dist/src/tracing.js'))}); require(${JSON.stringify(join(ROOT, 'dist/src/app.js'))});
      process.stdout.write(String(Object.keys(require.cache).filter((k) => k.includes('@opentelemetry/') && !k.includes('@opentelemetry/api/')).length))`;
    const env = { PATH: process.env.PATH ?? '' };
    expect(spawnSync(process.execPath, ['-e', script], { env, encoding: 'utf8' }).stdout).toBe('0');
    // The same check sees them when tracing is configured.
    const on = spawnSync(process.execPath, ['-e', script], { env: { ...env, TRACING: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' }, encoding: 'utf8' }).stdout;
    expect(Number(on)).toBeGreaterThan(10);
  });

  it('when configured, a request gives one trace with its HTTP, GraphQL and PostgreSQL spans', async () => {
    const otlp = await receiver();
    const env: Record<string, string> = {
      PATH: process.env.PATH ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      SEED_SCALE: '0.05',
      DEMO_DATA: 'false',
      ...(dbUrl ? { DATABASE_URL: dbUrl } : { DATA_DIR: dataDir }),
    };
    const child = spawn(process.execPath, [ENTRY], { env });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let buf = '';
        const timer = setTimeout(() => reject(new Error(`server did not start: ${buf}`)), 150_000);
        child.stdout.on('data', (d) => {
          buf += d;
          const m = /"url":"http:\/\/[^:]+:(\d+)\/graphql"[^\n]*"msg":"API ready"/.exec(buf);
          if (m) {
            clearTimeout(timer);
            resolve(Number(m[1]));
          }
        });
        child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${buf}`)));
      });
      const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query TracedCities { unit(code: "430000") { name children(level: CITY) { code } } }' }),
      });
      expect(res.status).toBe(200);
      const deadline = Date.now() + 20_000;
      const server = () => otlp.spans.find((s) => s.scope === '@opentelemetry/instrumentation-http' && s.kind === 2 && s.attributes['http.target'] !== '/health' && String(s.attributes['http.target'] ?? s.attributes['url.path']).startsWith('/graphql'));
      while (Date.now() < deadline) {
        const root = server();
        if (root && otlp.spans.some((s) => s.traceId === root.traceId && s.scope === '@opentelemetry/instrumentation-pg')) break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const root = server();
      expect(root).toBeDefined();
      const trace = otlp.spans.filter((s) => s.traceId === root!.traceId);
      const scopes = new Set(trace.map((s) => s.scope));
      expect([...scopes]).toEqual(expect.arrayContaining(['@opentelemetry/instrumentation-http', '@opentelemetry/instrumentation-express', '@opentelemetry/instrumentation-graphql', '@opentelemetry/instrumentation-pg']));
      const names = trace.map((s) => s.name);
      expect(names).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate']));
      expect(names.some((n) => /^query TracedCities/.test(n))).toBe(true);
      // A resolver span, and the statements with their SQL text but never their values.
      expect(trace.some((s) => s.scope === '@opentelemetry/instrumentation-graphql' && s.name.startsWith('graphql.resolve'))).toBe(true);
      const statements = trace.filter((s) => s.scope === '@opentelemetry/instrumentation-pg' && /select/i.test(String(s.attributes['db.statement'] ?? s.attributes['db.query.text'] ?? '')));
      expect(statements.length).toBeGreaterThan(0);
      // MikroORM sends some statements with the values inlined: the spans carry them as placeholders.
      const text = statements.map((s) => String(s.attributes['db.query.text'] ?? s.attributes['db.statement'])).join('\n');
      expect(text).toMatch(/"code" = (\?|\$1)/);
      expect(text).not.toContain('430000');
      // /health is not traced.
      await fetch(`http://127.0.0.1:${port}/health`);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.on('exit', r));
      await otlp.close();
    }
  });
});
