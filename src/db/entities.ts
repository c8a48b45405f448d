import { Tenant } from '../modules/tenants/tenant.entity';
import { OrgUnit } from '../modules/units/org-unit.entity';
import { CalendarDay } from '../modules/calendar/calendar-day.entity';
import { IngestRequest } from '../modules/ingest/ingest-request.entity';
import { ReplyRule } from '../modules/interactions/reply-rule.entity';
import { InteractionEvent } from '../modules/interactions/interaction-event.entity';
import { DisclosureCategory } from '../modules/disclosures/disclosure-category.entity';
import { DisclosureItem } from '../modules/disclosures/disclosure-item.entity';
import { DisclosureReview } from '../modules/disclosures/disclosure-review.entity';
import { DisclosureApplication } from '../modules/applications/disclosure-application.entity';
import { DisclosureDispute } from '../modules/applications/disclosure-dispute.entity';
import { Centre, CentreCheck } from '../modules/centres/centre.entity';
import { Officer, UnitResponsibility } from '../modules/officers/officer.entity';
import { ReportText } from '../modules/reports/report-text.entity';
import { InspectionFindingRow, InspectionSchemeRow, InspectionScoreRow } from '../modules/inspection/inspection.entity';

/** Every entity, in one list: the ORM, the migrations and the schema-drift test read this. */
export const ENTITIES = [Tenant, OrgUnit, CalendarDay, IngestRequest, ReplyRule, InteractionEvent, DisclosureCategory, DisclosureItem, DisclosureReview, DisclosureApplication, DisclosureDispute, Centre, CentreCheck, UnitResponsibility, Officer, ReportText, InspectionSchemeRow, InspectionScoreRow, InspectionFindingRow];
