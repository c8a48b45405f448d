import { Tenant } from '../modules/tenants/tenant.entity';
import { OrgUnit } from '../modules/units/org-unit.entity';
import { CalendarDay } from '../modules/calendar/calendar-day.entity';
import { IngestRequest } from '../modules/ingest/ingest-request.entity';
import { DisclosureApplication } from '../modules/applications/disclosure-application.entity';
import { DisclosureDispute } from '../modules/applications/disclosure-dispute.entity';

/** Every entity, in one list: the ORM, the migrations and the schema-drift test read this. */
export const ENTITIES = [Tenant, OrgUnit, CalendarDay, IngestRequest, DisclosureApplication, DisclosureDispute];
