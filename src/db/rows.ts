import { EntityMetadata, ReferenceKind, type EntityProperty, type Platform } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';

type Row = Record<string, unknown>;
type Mapper = (row: Row) => unknown;

const mappers = new WeakMap<EntityMetadata, Mapper>();

/**
 * Raw rows as instances of an entity class: the one way every repository turns its SQL's rows into
 * entities. The API never flushes a unit of work (writes are SQL statements too), so the rows need
 * the entity's prototype and its properties, not MikroORM's change tracking. `em.map` gives objects
 * of the same class and values, and also registers each in the identity map, snapshots it and
 * routes every property through a getter and setter: 9–10 ms for the 158 bureaus of a province
 * dashboard, against under 1 ms here (5M-event bench database). The mapping itself is MikroORM's:
 * its compiled column-to-property mapper (dates parsed), the custom types' conversions, and numbers
 * given as text made numbers, as em.map's validator does. test/db/rows.test.ts checks every entity
 * against em.map.
 */
export function mapRow<T>(em: EntityManager, entity: abstract new (...args: never[]) => T, row: Row): T {
  return mapperOf(em, entity)(row) as T;
}

/** `mapRow` over a list. */
export function mapRows<T>(em: EntityManager, entity: abstract new (...args: never[]) => T, rows: Row[]): T[] {
  const map = mapperOf(em, entity);
  return rows.map((r) => map(r) as T);
}

function mapperOf(em: EntityManager, entity: abstract new (...args: never[]) => unknown): Mapper {
  const meta = em.getMetadata().get(entity.name);
  let mapper = mappers.get(meta);
  if (!mapper) {
    mapper = build(em, meta);
    mappers.set(meta, mapper);
  }
  return mapper;
}

function build(em: EntityManager, meta: EntityMetadata): Mapper {
  const driver = em.getDriver();
  const platform: Platform = em.getPlatform();
  const scalars = meta.props.filter((p) => p.kind === ReferenceKind.SCALAR && p.persist !== false);
  const converted = scalars.filter((p) => p.customType) as (EntityProperty & { customType: NonNullable<EntityProperty['customType']> })[];
  const numbers = scalars.filter((p) => !p.customType && p.runtimeType === 'number').map((p) => p.name);
  const prototype = meta.prototype as object;
  return (row) => {
    const data = driver.mapResult(row, meta) as Row;
    for (const p of converted) {
      const v = data[p.name];
      if (v != null) data[p.name] = p.customType.convertToJSValue(v, platform);
    }
    for (const name of numbers) {
      const v = data[name];
      if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) data[name] = Number(v);
    }
    // Own data properties, defined rather than assigned: MikroORM puts setters for its change
    // tracking on the entity's prototype, and an assignment would go through them.
    const entity = Object.create(prototype) as Row;
    for (const key in data) Object.defineProperty(entity, key, { value: data[key], writable: true, enumerable: true, configurable: true });
    return entity;
  };
}
