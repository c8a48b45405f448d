import fs from 'node:fs';
import path from 'node:path';
import express from 'express';

/** Where `npm run build` puts the pages (scripts/build-web.mjs): <project>/dist/public, from src/ or dist/src/. */
export function publicDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist', 'public');
}

/**
 * What the pages may load: this server only (scripts, styles, fonts, the editor's workers, the API
 * over HTTP and WebSocket). A page cannot reach another host even if a dependency tried to.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'", // 'self' also covers ws:// and wss:// to this host
  "worker-src 'self' blob:",
  "frame-ancestors 'self'",
].join('; ');

/** A browser asking for a page: HTML preferred over JSON, and no GraphQL operation in the URL. */
function wantsPage(req: express.Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html' && req.query.query === undefined;
}

/**
 * The browser pages, built into dist/public by the project's build: the landing page at `/`, the
 * GraphQL IDE (GraphiQL) at GET `/graphql` for browsers unless introspection is off, the example
 * dashboard at `/dashboard`, and their assets under `/static/`. Nothing is fetched from a CDN.
 */
export function pageRoutes(opts: { introspection: boolean }): express.Router {
  const dir = publicDir();
  const router = express.Router();
  const page = (file: string): express.RequestHandler => (_req, res) => {
    const full = path.join(dir, file);
    if (!fs.existsSync(full)) {
      res.status(503).json({ error: { code: 'PAGES_NOT_BUILT', message: 'The pages are built by `npm run build`.' } });
      return;
    }
    res.set({ 'content-security-policy': CSP, 'cache-control': 'no-cache' });
    res.sendFile(full);
  };
  router.get('/', page('index.html'));
  router.get('/dashboard', page('dashboard/index.html'));
  const ide = page('ide/index.html');
  router.get('/graphql', (req, res, next) => (opts.introspection && wantsPage(req) ? ide(req, res, next) : next()));
  router.use('/static', express.static(dir, { index: false, maxAge: '1h', fallthrough: true }));
  return router;
}
