import 'reflect-metadata';
import { getNamedType, GraphQLSchema, isInputObjectType, isObjectType } from 'graphql';
import { getSchema } from '../../src/schema';

/** Descriptions state the limits the server applies, taken from the configuration. */
function descriptions(schema: GraphQLSchema): string[] {
  const out: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isObjectType(type)) {
      for (const f of Object.values(type.getFields())) out.push(f.description ?? '', ...f.args.map((a) => a.description ?? ''));
    } else if (isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) out.push(f.description ?? '');
    }
  }
  return out;
}

describe('schema descriptions', () => {
  it('give every connection’s page size as the configured MAX_PAGE_SIZE', async () => {
    const schema = await getSchema({ maxPageSize: 123 });
    const connections = Object.values(schema.getTypeMap())
      .filter(isObjectType)
      .flatMap((t) => Object.values(t.getFields()).map((f) => ({ at: `${t.name}.${f.name}`, f })))
      .filter(({ f }) => getNamedType(f.type).name.endsWith('Connection'));
    expect(connections.length).toBeGreaterThanOrEqual(8);
    for (const { at, f } of connections) {
      expect({ at, first: f.args.find((a) => a.name === 'first')?.description }).toEqual({ at, first: 'Page size, at most 123.' });
    }
    const all = descriptions(schema);
    expect(all.filter((d) => /\{MAX_PAGE_SIZE\}|MAX_PAGE_SIZE|at most 500\.$/.test(d))).toEqual([]);
  });

  it('state the default in the schema built without configuration (schema.graphql)', async () => {
    const schema = await getSchema();
    expect(schema.getQueryType()!.getFields().units.args.find((a) => a.name === 'first')!.description).toBe('Page size, at most 500.');
  });
});
