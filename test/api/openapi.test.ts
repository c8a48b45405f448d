import { compileErrors, validate } from '@readme/openapi-parser';
import { startTestApp, TestApp } from '../support/app';

let t: TestApp;

beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.02 });
});
afterAll(async () => t?.close());

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const res = await fetch(`${t.base}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const doc: any = await res.json();
    expect(doc.openapi).toBe('3.1.0');
    const result = await validate(doc);
    expect(result.valid ? '' : compileErrors(result)).toBe('');
  });

  it('describes every route the server mounts', async () => {
    const doc: any = await (await fetch(`${t.base}/openapi.json`)).json();
    const paths: Record<string, Record<string, unknown>> = doc.paths;
    const mounted = t.app.server.routes();
    // The walk finds what it should: the report, import and health routes among them.
    expect(mounted).toEqual(expect.arrayContaining([{ method: 'GET', path: '/reports/:code/:file' }, { method: 'POST', path: '/imports/units' }, { method: 'GET', path: '/health' }]));
    const missing = mounted
      .map((r) => ({ ...r, path: r.path.replace(/:(\w+)/g, '{$1}') }))
      .filter((r) =>
        r.method === '*'
          ? !Object.keys(paths).some((p) => p === r.path || p.startsWith(`${r.path}/`))
          : !paths[r.path]?.[r.method.toLowerCase()],
      )
      .map((r) => `${r.method} ${r.path}`);
    expect([...new Set(missing)]).toEqual([]);
    // And nothing is described that the server does not mount.
    const served = new Set(mounted.map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const mounts = mounted.filter((r) => r.method === '*').map((r) => r.path);
    const stale = Object.entries(paths)
      .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
      .filter((op) => !served.has(op) && !mounts.some((m) => op.split(' ')[1].startsWith(`${m}/`) || op.split(' ')[1] === m));
    expect(stale).toEqual([]);
  });
});
