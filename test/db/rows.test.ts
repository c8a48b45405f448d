import type { EntityManager } from '@mikro-orm/postgresql';
import { ENTITIES } from '../../src/db/entities';
import { mapRow } from '../../src/db/rows';
import { OrgUnit } from '../../src/modules/units/org-unit.entity';
import { startTestApp, TestApp } from '../support/app';

/**
 * Rows of raw SQL become entity objects through `mapRow`, not `em.map`: the same objects (prototype,
 * properties, values and their types) without the unit of work. Checked on every entity, over the
 * rows the demo data gives each table, and on a hand-made row with numbers given as text.
 */
let t: TestApp;
let em: EntityManager;
beforeAll(async () => {
  t = await startTestApp({ seedScale: 0.2, demo: true, as: null });
  em = t.app.db.orm.em.fork() as EntityManager;
}, 600_000);
afterAll(async () => t?.close());

/** Own properties of an entity object, as plain values with their runtime types. */
function shape(e: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(e).sort()) {
    const v = (e as Record<string, unknown>)[key];
    out[key] = v instanceof Date ? { date: v.toISOString() } : v === undefined ? { undefined: true } : { [typeof v]: v };
  }
  return out;
}

describe('mapRow', () => {
  it.each(ENTITIES.map((E) => [E.name, E] as const))('maps %s rows exactly as em.map does', async (_name, E) => {
    const meta = em.getMetadata().get(E.name);
    const rows: Record<string, unknown>[] = await em.getConnection().execute(`select * from "${meta.tableName}" limit 200`);
    for (const row of rows) {
      const ours = mapRow(em, E as never, { ...row }) as object;
      const theirs = em.fork().map(E as never, { ...row }) as object;
      expect(Object.getPrototypeOf(ours)).toBe(E.prototype);
      expect(shape(ours)).toEqual(shape(theirs));
    }
  });

  it('has rows to compare for the entities the API reads most', async () => {
    for (const table of ['org_unit', 'interaction_event', 'disclosure_item', 'centre', 'officer', 'disclosure_application']) {
      const [{ n }] = await em.getConnection().execute(`select count(*)::int as n from "${table}"`);
      expect(n).toBeGreaterThan(0);
    }
  });

  it('converts numbers given as text and keeps nulls, as em.map does', () => {
    const row = { tenant_id: '430000', id: '00000000-0000-4000-8000-000000000001', code: 'X', name: 'X', level: 'CITY', kind: 'EDUCATION_BUREAU', parent_id: null, path: '/x/', depth: '1', created_at: '2024-01-02T03:04:05Z', updated_at: '2024-01-02T03:04:05Z' };
    const ours = mapRow(em, OrgUnit, { ...row });
    const theirs = em.fork().map(OrgUnit, { ...row } as never);
    expect(shape(ours)).toEqual(shape(theirs));
    expect(ours.tenantId).toBe(430000);
    expect(ours.depth).toBe(1);
    expect(ours.parentId).toBeNull();
    expect(ours.createdAt).toEqual(new Date('2024-01-02T03:04:05Z'));
  });
});
