import { loadConfig } from '../../src/config';
import { startTestApp, TestApp } from '../support/app';

/**
 * CORS and CSRF prevention over HTTP: preflights from any origin by default, only the configured
 * origins with CORS_ORIGINS, never credentials mode; Apollo still refuses requests a browser could
 * send cross-site without a preflight.
 */

let open: TestApp; // CORS_ORIGINS unset: any origin
let closed: TestApp; // CORS_ORIGINS=https://dash.example.cn
const env = { SEED_ON_EMPTY: 'false' };

beforeAll(async () => {
  // One after the other: two embedded stores starting at once are slow on a busy machine.
  open = await startTestApp({ as: null, env });
  closed = await startTestApp({ as: null, env: { ...env, CORS_ORIGINS: 'https://dash.example.cn, http://127.0.0.1:8080' } });
}, 600_000);
afterAll(async () => {
  await open?.close();
  await closed?.close();
});

const preflight = (t: TestApp, origin: string, headers = 'authorization, content-type, x-api-key, apollo-require-preflight, if-none-match') =>
  fetch(t.url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': headers } });

const list = (v: string | null) => (v ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);

it('answers a preflight from any origin with 204, the methods and headers a client sends, Vary: Origin and a max-age', async () => {
  const res = await preflight(open, 'http://dashboard.example.test:3000');
  expect(res.status).toBe(204);
  expect(res.headers.get('access-control-allow-origin')).toBe('http://dashboard.example.test:3000');
  expect(list(res.headers.get('vary'))).toContain('origin');
  expect(list(res.headers.get('access-control-allow-methods'))).toEqual(expect.arrayContaining(['get', 'post']));
  expect(list(res.headers.get('access-control-allow-headers'))).toEqual(
    expect.arrayContaining(['authorization', 'x-api-key', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name', 'if-none-match']),
  );
  expect(Number(res.headers.get('access-control-max-age'))).toBeGreaterThan(0);
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  expect(await res.text()).toBe('');
});

it('lets a cross-origin answer through, with the headers a script may read', async () => {
  const res = await fetch(open.url, { method: 'POST', headers: { origin: 'https://a.example.cn', 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ today }' }) });
  expect(res.status).toBe(200);
  expect(res.headers.get('access-control-allow-origin')).toBe('https://a.example.cn');
  expect(list(res.headers.get('access-control-expose-headers'))).toEqual(expect.arrayContaining(['x-sql-statements', 'retry-after', 'etag']));
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  // The same for the other routes (reports, CSV, health).
  const health = await fetch(`${open.base}/health`, { headers: { origin: 'https://a.example.cn' } });
  expect(health.headers.get('access-control-allow-origin')).toBe('https://a.example.cn');
});

it('with CORS_ORIGINS, only the listed origins get CORS headers', async () => {
  for (const origin of ['https://dash.example.cn', 'http://127.0.0.1:8080']) {
    const ok = await preflight(closed, origin);
    expect([ok.status, ok.headers.get('access-control-allow-origin')]).toEqual([204, origin]);
  }
  for (const origin of ['https://evil.example.com', 'https://dash.example.cn.evil.example.com', 'http://127.0.0.1:8081', 'null']) {
    const refused = await preflight(closed, origin);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    const post = await fetch(closed.url, { method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ today }' }) });
    expect(post.headers.get('access-control-allow-origin')).toBeNull();
  }
});

it("keeps Apollo's CSRF prevention: a request a page could send without a preflight is refused", async () => {
  // GET without a preflight-forcing header, and a text/plain POST: both "simple" requests.
  const get = await fetch(`${open.url}?query=${encodeURIComponent('{ today }')}`, { headers: { origin: 'https://evil.example.com' } });
  expect(get.status).toBe(400);
  expect(await get.text()).toMatch(/CSRF/i);
  const plain = await fetch(open.url, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ query: '{ today }' }) });
  expect(plain.status).toBe(400);
  // What a browser client sends instead: a JSON body, or a GET with apollo-require-preflight.
  const allowed = await fetch(`${open.url}?query=${encodeURIComponent('{ today }')}`, { headers: { 'apollo-require-preflight': 'true' } });
  expect(allowed.status).toBe(200);
  expect(((await allowed.json()) as { data: { today: string } }).data.today).toMatch(/^\d{4}-\d\d-\d\d$/);
});

it('refuses a malformed CORS_ORIGINS at start with one line naming it', () => {
  for (const bad of ['dash.example.cn', 'https://dash.example.cn/path', 'ftp://x.cn', ' , ']) {
    expect(() => loadConfig({ CORS_ORIGINS: bad }, false)).toThrow(/^Invalid configuration: CORS_ORIGINS: /);
  }
  expect(loadConfig({ CORS_ORIGINS: 'https://a.cn,https://b.cn:8443/' }, false).corsOrigins).toEqual(['https://a.cn', 'https://b.cn:8443']);
  expect(loadConfig({}, false).corsOrigins).toEqual(['*']);
});

it('serves the pages: the IDE to browsers at GET /graphql, and the API to everyone else', async () => {
  const page = await fetch(open.url, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' } });
  expect(page.status).toBe(200);
  const html = await page.text();
  expect(html).toContain('/static/ide/ide.js');
  expect(html).not.toMatch(/https?:\/\//); // every asset from this server
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  for (const path of ['/', '/dashboard', '/static/ide/ide.js', '/static/ide/ide.css', '/static/ide/graphql.worker.js', '/static/dashboard/dashboard.js']) {
    expect([path, (await fetch(`${open.base}${path}`)).status]).toEqual([path, 200]);
  }
  expect((await fetch(`${open.base}/static/nothing.js`)).status).toBe(404);
});
