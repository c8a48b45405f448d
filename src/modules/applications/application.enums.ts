import { registerEnumType } from 'type-graphql';

export enum ApplicantType {
  CITIZEN = 'CITIZEN',
  LEGAL_PERSON = 'LEGAL_PERSON',
  OTHER = 'OTHER',
}

export enum ApplicationChannel {
  ONLINE = 'ONLINE',
  LETTER = 'LETTER',
  IN_PERSON = 'IN_PERSON',
  FAX = 'FAX',
  EMAIL = 'EMAIL',
  OTHER = 'OTHER',
}

export enum ApplicationStatus {
  RECEIVED = 'RECEIVED',
  DECIDED = 'DECIDED',
  WITHDRAWN = 'WITHDRAWN',
}

/** Outcomes of a decided application (the rows of the annual report's applications table). */
export enum ApplicationOutcome {
  GRANTED = 'GRANTED',
  PARTLY_GRANTED = 'PARTLY_GRANTED',
  NOT_HELD = 'NOT_HELD',
  NOT_WITHIN_SCOPE = 'NOT_WITHIN_SCOPE',
  REFUSED = 'REFUSED',
  REDIRECTED = 'REDIRECTED',
  UNCLEAR_REQUEST = 'UNCLEAR_REQUEST',
  DUPLICATE = 'DUPLICATE',
  OTHER = 'OTHER',
}

export enum DisputeKind {
  RECONSIDERATION = 'RECONSIDERATION',
  LAWSUIT = 'LAWSUIT',
}

/** PENDING is the report's 尚未审结 column. */
export enum DisputeStatus {
  PENDING = 'PENDING',
  CONCLUDED = 'CONCLUDED',
}

/** The report's result columns: 结果维持, 结果纠正, 其他结果 (a dismissal or withdrawal counts as OTHER). */
export enum DisputeOutcome {
  UPHELD = 'UPHELD',
  CORRECTED = 'CORRECTED',
  OTHER = 'OTHER',
}

registerEnumType(ApplicantType, { name: 'ApplicantType', description: 'Who applied: a citizen (公民), a legal person or organisation (法人或其他组织), other.' });
registerEnumType(ApplicationChannel, { name: 'ApplicationChannel', description: 'How the application arrived.' });
registerEnumType(ApplicationStatus, { name: 'ApplicationStatus', description: 'RECEIVED: open; DECIDED: answered with an outcome; WITHDRAWN: withdrawn by the applicant.' });
registerEnumType(ApplicationOutcome, {
  name: 'ApplicationOutcome',
  description: 'Outcome of a decided disclosure application (依申请公开 答复结果).',
  valuesConfig: {
    GRANTED: { description: '予以公开' },
    PARTLY_GRANTED: { description: '部分公开' },
    NOT_HELD: { description: '本机关不掌握相关政府信息' },
    NOT_WITHIN_SCOPE: { description: '不属于政府信息公开范围' },
    REFUSED: { description: '不予公开 (needs a legal ground: 国家秘密, 商业秘密, 个人隐私, 过程性信息 …)' },
    REDIRECTED: { description: '告知向其他机关申请' },
    UNCLEAR_REQUEST: { description: '申请内容不明确 (not corrected by the applicant)' },
    DUPLICATE: { description: '重复申请' },
    OTHER: { description: '其他' },
  },
});
registerEnumType(DisputeKind, { name: 'DisputeKind', description: 'RECONSIDERATION: 行政复议; LAWSUIT: 行政诉讼.' });
registerEnumType(DisputeStatus, { name: 'DisputeStatus', description: 'PENDING: 尚未审结; CONCLUDED: 已审结.' });
registerEnumType(DisputeOutcome, {
  name: 'DisputeOutcome',
  description: 'Result of a concluded reconsideration or lawsuit, as the annual report counts it.',
  valuesConfig: { UPHELD: { description: '结果维持' }, CORRECTED: { description: '结果纠正' }, OTHER: { description: '其他结果 (dismissed, withdrawn, settled …)' } },
});
