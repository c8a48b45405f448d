import { Entity, PrimaryKey, PrimaryKeyProp, Property } from '@mikro-orm/core';
import { Field, Int, ObjectType } from 'type-graphql';

/** One category of a tenant's disclosure taxonomy (tenants count by different lists). */
@Entity({ tableName: 'disclosure_category' })
@ObjectType({ description: 'A category of disclosure items in one tenant’s taxonomy.' })
export class DisclosureCategory {
  [PrimaryKeyProp]?: ['tenantId', 'code'];

  @PrimaryKey({ type: 'integer', autoincrement: false })
  tenantId!: number;

  @PrimaryKey({ type: 'string', length: 40 })
  @Field({ description: 'Stable code within the tenant, e.g. NOTICE.' })
  code!: string;

  @Property({ type: 'string', length: 100 })
  @Field({ description: 'Name as the tenant’s reports use it, e.g. 公告通知.' })
  name!: string;

  @Property({ type: 'integer', default: 0 })
  @Field(() => Int)
  sortOrder: number = 0;

  @Property({ type: 'boolean', default: true })
  @Field({ description: 'Inactive categories stay on old items but take no new ones.' })
  active: boolean = true;
}
