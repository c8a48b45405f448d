// Builds the browser pages into dist/public (run by `npm run build`): the GraphQL IDE (GraphiQL
// and its Monaco editor workers), the example dashboard (with Apache ECharts) and the landing
// page. Everything a page loads is bundled here, so the server needs no CDN and works offline.
import { build } from 'esbuild';
import { cp, mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const out = path.join(root, 'dist', 'public');
const web = path.join(root, 'web');
const nm = (p) => path.join(root, 'node_modules', p);
const common = { bundle: true, minify: true, legalComments: 'linked', logLevel: 'warning', define: { 'process.env.NODE_ENV': '"production"' } };

await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await Promise.all([
  build({
    ...common,
    entryPoints: { ide: path.join(web, 'ide', 'ide.js') },
    outdir: path.join(out, 'ide'),
    format: 'esm',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'dataurl' },
  }),
  build({
    ...common,
    entryPoints: {
      'editor.worker': nm('monaco-editor/esm/vs/editor/editor.worker.js'),
      'json.worker': nm('monaco-editor/esm/vs/language/json/json.worker.js'),
      'graphql.worker': nm('monaco-graphql/esm/graphql.worker.js'),
    },
    outdir: path.join(out, 'ide'),
    format: 'iife',
  }),
  build({
    ...common,
    entryPoints: { dashboard: path.join(web, 'dashboard', 'dashboard.js') },
    outdir: path.join(out, 'dashboard'),
    format: 'esm',
  }),
]);

for (const f of ['index.html', 'ide/index.html', 'dashboard/index.html', 'dashboard/dashboard.css', 'site.css']) {
  await cp(path.join(web, f), path.join(out, f));
}
