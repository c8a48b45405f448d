import { gql, startTestApp, TestApp } from '../support/app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.05, as: null });
});
afterAll(async () => t?.close());

function expectBadInput(res: Awaited<ReturnType<typeof gql>>, field?: string) {
  expect(res.body.errors?.length).toBeGreaterThan(0);
  const err = res.body.errors![0];
  expect(err.extensions?.code).toBe('BAD_USER_INPUT');
  expect(err.extensions?.stacktrace).toBeUndefined();
  expect(JSON.stringify(res.body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  if (field) expect(err.extensions?.field).toBe(field);
  return err;
}

describe('bad input answers BAD_USER_INPUT without a stack trace', () => {
  it('refuses a malformed cursor', async () => {
    for (const after of ['garbage!', 'bm90LWpzb24', Buffer.from('["x","1","2"]').toString('base64url'), Buffer.from('["u",1]').toString('base64url')]) {
      expectBadInput(await gql(t, 'query($a: String) { units(after: $a) { totalCount } }', { a: after }), 'after');
    }
  });

  it('refuses a cursor of another connection', async () => {
    const page = await gql(t, '{ units(first: 1) { pageInfo { endCursor } } }');
    const cursor = page.body.data.units.pageInfo.endCursor;
    expectBadInput(await gql(t, `{ unit(code: "430000") { descendants(after: "${cursor}") { totalCount } } }`), 'after');
  });

  it('refuses first above the maximum or below zero', async () => {
    const err = expectBadInput(await gql(t, '{ units(first: 501) { totalCount } }'), 'first');
    expect(err.message).toMatch(/500/);
    expectBadInput(await gql(t, '{ units(first: -1) { totalCount } }'), 'first');
    expectBadInput(await gql(t, '{ unit(code: "430000") { descendants(first: 100000) { totalCount } } }'), 'first');
    const ok = await gql(t, '{ units(first: 500) { edges { cursor } } }');
    expect(ok.body.errors).toBeUndefined();
  });

  it('refuses unknown enum values, inline and as variables', async () => {
    expectBadInput(await gql(t, '{ units(filter: { level: PLANET }) { totalCount } }'));
    expectBadInput(await gql(t, 'query($l: UnitLevel) { units(filter: { level: $l }) { totalCount } }', { l: 'PLANET' }));
  });

  it('refuses unknown filter fields and unknown fields', async () => {
    expectBadInput(await gql(t, '{ units(filter: { colour: "red" }) { totalCount } }'));
    expectBadInput(await gql(t, 'query($f: UnitFilter) { units(filter: $f) { totalCount } }', { f: { colour: 'red' } }));
    expectBadInput(await gql(t, '{ units { nope } }'));
  });

  it('refuses malformed documents and ids in filters', async () => {
    expectBadInput(await gql(t, '{ units( '));
    expectBadInput(await gql(t, '{ units(filter: { parentId: "x" }) { totalCount } }'), 'filter.parentId');
    expectBadInput(await gql(t, '{ units(filter: { tenant: "hunan" }) { totalCount } }'), 'filter.tenant');
    expectBadInput(await gql(t, '{ unit { id } }'));
  });

  it('refuses an over-long search', async () => {
    expectBadInput(await gql(t, `{ units(filter: { search: "${'长'.repeat(101)}" }) { totalCount } }`), 'filter.search');
  });
});
