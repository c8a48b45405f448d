import { registerEnumType } from 'type-graphql';

/** What an officer does for the unit's disclosure and online-service work. */
export enum OfficerRole {
  LEAD = 'LEAD',
  OFFICER = 'OFFICER',
  CONTACT = 'CONTACT',
}

/** Order of roles in a unit's list: the lead first. */
export const ROLE_ORDER: OfficerRole[] = [OfficerRole.LEAD, OfficerRole.OFFICER, OfficerRole.CONTACT];

registerEnumType(OfficerRole, {
  name: 'OfficerRole',
  valuesConfig: {
    LEAD: { description: 'Leader in charge (分管负责人).' },
    OFFICER: { description: 'E-government officer (电子政务工作专干).' },
    CONTACT: { description: 'Contact person (联络员).' },
  },
});
