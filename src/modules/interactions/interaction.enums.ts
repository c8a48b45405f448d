import { registerEnumType } from 'type-graphql';

/** What an interaction event is (政民互动 and 咨询). */
export enum InteractionKind {
  MAILBOX = 'MAILBOX',
  CONSULTATION = 'CONSULTATION',
  COMPLAINT = 'COMPLAINT',
  PORTAL_QA = 'PORTAL_QA',
  HOTLINE = 'HOTLINE',
  INTERVIEW = 'INTERVIEW',
  SURVEY = 'SURVEY',
  SOLICITATION = 'SOLICITATION',
  SERVICE_REQUEST = 'SERVICE_REQUEST',
}

/** Where the event came in. */
export enum InteractionChannel {
  PORTAL = 'PORTAL',
  MAILBOX_WEB = 'MAILBOX_WEB',
  WECHAT = 'WECHAT',
  WEIBO = 'WEIBO',
  PHONE = 'PHONE',
  IN_PERSON = 'IN_PERSON',
  LETTER = 'LETTER',
  OTHER = 'OTHER',
}

/**
 * Workflow state. Kinds that expect a reply go OPEN → REPLIED; kinds that are held rather than
 * answered (interviews, surveys, solicitations) are HELD from the start and never overdue. Any
 * event may be marked INVALID or DUPLICATE, and reopened from there.
 */
export enum InteractionStatus {
  OPEN = 'OPEN',
  REPLIED = 'REPLIED',
  HELD = 'HELD',
  INVALID = 'INVALID',
  DUPLICATE = 'DUPLICATE',
}

/** Kinds that are events held on a date, with no reply expected. */
export const HELD_KINDS: ReadonlySet<InteractionKind> = new Set([InteractionKind.INTERVIEW, InteractionKind.SURVEY, InteractionKind.SOLICITATION]);

export function expectsReply(kind: InteractionKind): boolean {
  return !HELD_KINDS.has(kind);
}

/**
 * Working days to reply when a tenant has no `reply_rule` row for a kind. Seed 000: a reply is on
 * time within 5 working days (厅长信箱, 咨询答疑, 监督投诉, 公众问答). Hotline calls and service
 * requests take the same 5 days by default (a tenant may change it). Held kinds have none.
 */
export const DEFAULT_REPLY_DAYS: Record<InteractionKind, number | null> = {
  [InteractionKind.MAILBOX]: 5,
  [InteractionKind.CONSULTATION]: 5,
  [InteractionKind.COMPLAINT]: 5,
  [InteractionKind.PORTAL_QA]: 5,
  [InteractionKind.HOTLINE]: 5,
  [InteractionKind.SERVICE_REQUEST]: 5,
  [InteractionKind.INTERVIEW]: null,
  [InteractionKind.SURVEY]: null,
  [InteractionKind.SOLICITATION]: null,
};

registerEnumType(InteractionKind, {
  name: 'InteractionKind',
  valuesConfig: {
    MAILBOX: { description: 'Letter to the director’s mailbox (厅长信箱/局长信箱). Default deadline 5 working days.' },
    CONSULTATION: { description: 'Consultation (咨询答疑/办事咨询). Default 5 working days.' },
    COMPLAINT: { description: 'Complaint (监督投诉). Default 5 working days.' },
    PORTAL_QA: { description: 'Question on the government portal (公众问答). Default 5 working days.' },
    HOTLINE: { description: 'Hotline call. Default 5 working days.' },
    INTERVIEW: { description: 'Online interview held (在线访谈): no reply, status HELD.' },
    SURVEY: { description: 'Online survey held (网上调查): no reply, status HELD.' },
    SOLICITATION: { description: 'Opinion solicitation held (征求意见): no reply, status HELD.' },
    SERVICE_REQUEST: { description: 'Service request at a sunshine service centre. Default 5 working days.' },
  },
});

registerEnumType(InteractionChannel, {
  name: 'InteractionChannel',
  valuesConfig: {
    PORTAL: { description: 'Government or department portal (政务网, 省政府门户网站).' },
    MAILBOX_WEB: { description: 'Online mailbox form (厅长信箱/局长信箱).' },
    WECHAT: { description: 'WeChat account (政务微信).' },
    WEIBO: { description: 'Weibo account (政务微博).' },
    PHONE: { description: 'Telephone or hotline.' },
    IN_PERSON: { description: 'At a service centre or office counter.' },
    LETTER: { description: 'Paper letter (来信).' },
    OTHER: { description: 'Any other channel.' },
  },
});

registerEnumType(InteractionStatus, {
  name: 'InteractionStatus',
  valuesConfig: {
    OPEN: { description: 'Received, awaiting a reply.' },
    REPLIED: { description: 'Replied to (repliedAt set).' },
    HELD: { description: 'An interview, survey or solicitation that took place (receivedAt = when held). No reply, never overdue.' },
    INVALID: { description: 'Invalid (无效提问); excluded from on-time rates.' },
    DUPLICATE: { description: 'A duplicate of another event (duplicateOfId); excluded from on-time rates.' },
  },
});
