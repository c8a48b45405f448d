import { registerEnumType } from 'type-graphql';

/** Where an item was published. An item has one or more channels. */
export enum DisclosureChannel {
  DEPARTMENT_PORTAL = 'DEPARTMENT_PORTAL',
  GOVERNMENT_PORTAL = 'GOVERNMENT_PORTAL',
  WECHAT = 'WECHAT',
  WEIBO = 'WEIBO',
  OTHER_MEDIA = 'OTHER_MEDIA',
}

export enum DisclosureStatus {
  DRAFT = 'DRAFT',
  IN_REVIEW = 'IN_REVIEW',
  PUBLISHED = 'PUBLISHED',
  WITHDRAWN = 'WITHDRAWN',
}

/** One step of the review workflow (seed 002: office, legal, confidentiality review, then publication). */
export enum DisclosureReviewStep {
  SUBMIT = 'SUBMIT',
  OFFICE_REVIEW = 'OFFICE_REVIEW',
  LEGAL_REVIEW = 'LEGAL_REVIEW',
  CONFIDENTIALITY_REVIEW = 'CONFIDENTIALITY_REVIEW',
  PUBLISH = 'PUBLISH',
  WITHDRAW = 'WITHDRAW',
  REJECT = 'REJECT',
}

export enum DisclosureDecision {
  APPROVED = 'APPROVED',
  REJECTED = 'REJECTED',
  NONE = 'NONE',
}

/** The steps `reviewDisclosureItem` accepts (the others have mutations of their own). */
export const REVIEW_STEPS: readonly DisclosureReviewStep[] = [
  DisclosureReviewStep.OFFICE_REVIEW,
  DisclosureReviewStep.LEGAL_REVIEW,
  DisclosureReviewStep.CONFIDENTIALITY_REVIEW,
  DisclosureReviewStep.REJECT,
];

export enum DisclosureOrder {
  PUBLISHED_AT_DESC = 'PUBLISHED_AT_DESC',
  CREATED_AT_DESC = 'CREATED_AT_DESC',
}

registerEnumType(DisclosureChannel, { name: 'DisclosureChannel', description: 'Publication channel of a disclosure item.' });
registerEnumType(DisclosureStatus, { name: 'DisclosureStatus', description: 'Workflow status; only PUBLISHED items count as published.' });
registerEnumType(DisclosureReviewStep, { name: 'DisclosureReviewStep' });
registerEnumType(DisclosureDecision, { name: 'DisclosureDecision' });
registerEnumType(DisclosureOrder, {
  name: 'DisclosureOrder',
  description: 'PUBLISHED_AT_DESC: (published_at desc nulls last, id desc); CREATED_AT_DESC: (created_at desc, id desc).',
});
