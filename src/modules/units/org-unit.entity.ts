import { Entity, Enum, Index, PrimaryKey, PrimaryKeyProp, Property, Unique } from '@mikro-orm/core';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { UnitKind, UnitLevel } from './unit.enums';

/**
 * An organisational unit: the provincial department, a city or county bureau, a school, a
 * university or an affiliated institution.
 *
 * The hierarchy is stored twice: `parent_id` (the edge) and `path` (the materialized path of ids
 * from the root, `/<root id>/…/<own id>/`). A trigger in the database derives `path` and `depth`
 * from the parent on every insert and parent change, rewrites the subtree's paths when a unit
 * moves, and refuses a parent in another tenant or at a level not above the child's. Every
 * descendant of X is then one range scan of the (tenant_id, path text_pattern_ops) index.
 */
@Entity({ tableName: 'org_unit' })
@Unique({ name: 'org_unit_tenant_code_key', properties: ['tenantId', 'code'] })
@Index({ name: 'org_unit_tenant_parent_idx', properties: ['tenantId', 'parentId'] })
@Index({ name: 'org_unit_id_idx', properties: ['id'] })
@Index({ name: 'org_unit_code_idx', properties: ['code', 'id'] })
@Index({
  name: 'org_unit_tenant_path_idx',
  expression: 'create index "org_unit_tenant_path_idx" on "org_unit" ("tenant_id", "path" text_pattern_ops)',
})
@ObjectType({ description: 'An organisational unit of the education system.' })
export class OrgUnit {
  [PrimaryKeyProp]?: ['tenantId', 'id'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  @Field(() => ID)
  id!: string;

  @Property({ type: 'string', length: 20 })
  @Field({ description: 'GB/T 2260 division code for bureaus; 10-digit national identifier for schools.' })
  code!: string;

  @Property({ type: 'string', length: 200 })
  @Field()
  name!: string;

  @Enum({ items: () => UnitLevel })
  @Field(() => UnitLevel)
  level!: UnitLevel;

  @Enum({ items: () => UnitKind })
  @Field(() => UnitKind)
  kind!: UnitKind;

  @Property({ type: 'uuid', nullable: true })
  parentId?: string | null;

  /** Materialized path of ids, maintained by the database trigger (never written by the app). */
  @Property({ type: 'text', default: '' })
  path: string = '';

  @Property({ type: 'smallint', default: 0 })
  @Field(() => Int, { description: 'Distance from the root of the tenant (the province is 0).' })
  depth: number = 0;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();

  @Property({ type: 'datetime', defaultRaw: 'now()', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
