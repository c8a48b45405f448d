import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildSchema, parse, validate } from 'graphql';

/**
 * The operations docs/integrators.md shows (GraphQL blocks, the JSON of its curl examples, the
 * templates of its TypeScript examples) are valid against schema.graphql, so the guide cannot
 * drift from the schema unnoticed.
 */
const root = join(__dirname, '../..');
const doc = readFileSync(join(root, 'docs/integrators.md'), 'utf8');
const schema = buildSchema(readFileSync(join(root, 'schema.graphql'), 'utf8'));

function operations(): { from: string; text: string }[] {
  const out: { from: string; text: string }[] = [];
  for (const m of doc.matchAll(/```graphql\n([\s\S]*?)```/g)) {
    // One operation per line in these blocks; comments after #.
    for (const line of m[1].split('\n').map((l) => l.replace(/#.*$/, '').trim()).filter(Boolean)) out.push({ from: 'graphql block', text: line });
  }
  for (const m of doc.matchAll(/"query": ("(?:[^"\\]|\\.)*")/g)) out.push({ from: 'curl example', text: JSON.parse(m[1]) });
  for (const block of doc.matchAll(/```ts\n([\s\S]*?)```/g)) {
    for (const m of block[1].matchAll(/`((?:mutation|query|\{)[^`]*)`/g)) out.push({ from: 'TypeScript example', text: m[1] });
  }
  return out;
}

describe('docs/integrators.md', () => {
  it('shows only operations the schema accepts', () => {
    const ops = operations();
    expect(ops.length).toBeGreaterThanOrEqual(12);
    const problems = ops.flatMap(({ from, text }) => validate(schema, parse(text)).map((e) => `${from}: ${text.slice(0, 80)}: ${e.message}`));
    expect(problems).toEqual([]);
  });
});
