import { Tenant } from '../modules/tenants/tenant.entity';
import { OrgUnit } from '../modules/units/org-unit.entity';
import { CalendarDay } from '../modules/calendar/calendar-day.entity';
import { IngestRequest } from '../modules/ingest/ingest-request.entity';
import { Centre, CentreCheck } from '../modules/centres/centre.entity';
import { Officer, UnitResponsibility } from '../modules/officers/officer.entity';

/** Every entity, in one list: the ORM, the migrations and the schema-drift test read this. */
export const ENTITIES = [Tenant, OrgUnit, CalendarDay, IngestRequest, Centre, CentreCheck, UnitResponsibility, Officer];
