import { Entity, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { Field, ID, ObjectType } from 'type-graphql';

/**
 * A tenant is one province: its education department and every unit beneath it. The id is the
 * province's GB/T 2260 code as a number (430000 for Hunan), which is also the distribution key
 * (`tenant_id`) of every tenant-owned table.
 */
@Entity({ tableName: 'tenant' })
@ObjectType({ description: 'A province: one tenant, whose rows no other province ever sees.' })
export class Tenant {
  @PrimaryKey({ type: 'integer', autoincrement: false })
  @Field(() => ID, { description: 'The province code as a number, e.g. 430000.' })
  id!: number;

  @Property({ type: 'string', length: 6 })
  @Unique({ name: 'tenant_code_key' })
  @Field({ description: 'GB/T 2260 code of the province, e.g. "430000".' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  @Field({ description: 'Name of the province, e.g. 湖南省.' })
  name!: string;

  @Property({ type: 'string', length: 64, default: 'Asia/Shanghai' })
  @Field({ description: 'IANA time zone in which the tenant counts days.' })
  timeZone: string = 'Asia/Shanghai';

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
