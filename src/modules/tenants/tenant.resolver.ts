import { Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import type { RequestContext } from '../../context';
import { OrgUnit } from '../units/org-unit.entity';
import { Tenant } from './tenant.entity';

@Resolver(() => Tenant)
export class TenantResolver {
  @Query(() => [Tenant], { description: 'The provinces (tenants) the caller may see.' })
  tenants(@Ctx() ctx: RequestContext): Promise<Tenant[]> {
    return ctx.tenants();
  }

  @FieldResolver(() => OrgUnit, { nullable: true, description: "The province's own unit (its education department)." })
  root(@Root() tenant: Tenant, @Ctx() ctx: RequestContext): Promise<OrgUnit | null> {
    return ctx.loaders.units.rootOfTenant.load(tenant.id);
  }
}
