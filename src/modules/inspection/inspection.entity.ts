import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';

/** A tenant's inspection scheme (dimensions, weights, thresholds); absent: the default of seed 003. */
@Entity({ tableName: 'inspection_scheme' })
export class InspectionSchemeRow {
  [PrimaryKeyProp]?: 'tenantId';

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  /** [{ code, name, weight, checks: [InspectionCheck] }] */
  @Property({ type: 'json' })
  dimensions!: unknown;

  @Property({ type: 'integer' })
  excellentThreshold!: number;

  @Property({ type: 'integer' })
  passThreshold!: number;

  @Property({ type: 'string', length: 200 })
  updatedBy!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  updatedAt: Date = new Date();
}

/** An inspector's score of one dimension for a unit and year; it replaces the computed one. */
@Entity({ tableName: 'inspection_score' })
export class InspectionScoreRow {
  [PrimaryKeyProp]?: ['tenantId', 'unitId', 'year', 'dimension'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  unitId!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  year!: number;

  @PrimaryKey({ type: 'string', length: 40 })
  dimension!: string;

  @Property({ type: 'double' })
  score!: number;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'string', length: 200 })
  scoredBy!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  scoredAt: Date = new Date();
}

/** A problem an inspector found that the data cannot tell (e.g. website vulnerabilities). */
@Entity({ tableName: 'inspection_finding' })
export class InspectionFindingRow {
  [PrimaryKeyProp]?: ['tenantId', 'unitId', 'year', 'problem'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'uuid' })
  unitId!: string;

  @PrimaryKey({ type: 'integer', autoincrement: false })
  year!: number;

  @PrimaryKey({ type: 'string', length: 40 })
  problem!: string;

  @Property({ type: 'text', nullable: true })
  note?: string | null;

  @Property({ type: 'string', length: 200 })
  foundBy!: string;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  foundAt: Date = new Date();
}
