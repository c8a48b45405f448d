import { join } from 'node:path';
import madge from 'madge';

/**
 * Modules import each other in one direction: the HTTP edge imports the context, the context the
 * repositories and loaders, the services those. A cycle (type-only imports included) fails here.
 */
const ROOT = join(__dirname, '../..');

describe('import graph', () => {
  it('has no import cycle in src/ and migrations/', async () => {
    const graph = await madge([join(ROOT, 'src'), join(ROOT, 'migrations')], {
      fileExtensions: ['ts'],
      tsConfig: join(ROOT, 'tsconfig.json'),
      detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
    });
    expect(graph.circular()).toEqual([]);
    // Every relative import was resolved: a file madge could not read would hide its cycles.
    expect(graph.warnings().skipped.filter((f) => f.startsWith('.'))).toEqual([]);
    // The graph is the real one: the server reaches the context through the HTTP edge.
    expect(graph.obj()['src/server.ts']).toEqual(expect.arrayContaining(['src/http/context.ts', 'src/http/rest.ts']));
  });
});
