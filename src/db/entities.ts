import { Tenant } from '../modules/tenants/tenant.entity';
import { OrgUnit } from '../modules/units/org-unit.entity';

/** Every entity, in one list: the ORM, the migrations and the schema-drift test read this. */
export const ENTITIES = [Tenant, OrgUnit];
