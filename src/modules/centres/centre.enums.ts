import { registerEnumType } from 'type-graphql';

/** 教育阳光服务中心 / 站 / 点: the three sizes of sunshine service desk. */
export enum CentreKind {
  CENTER = 'CENTER',
  STATION = 'STATION',
  POINT = 'POINT',
}

export enum CentreStatus {
  ACTIVE = 'ACTIVE',
  SUSPENDED = 'SUSPENDED',
  CLOSED = 'CLOSED',
}

registerEnumType(CentreKind, {
  name: 'CentreKind',
  description: 'Size of a sunshine service desk (教育阳光服务中心/站/点).',
  valuesConfig: {
    CENTER: { description: '服务中心: a full centre, usually at a department or bureau.' },
    STATION: { description: '服务站' },
    POINT: { description: '服务点: a desk at a school.' },
  },
});

registerEnumType(CentreStatus, {
  name: 'CentreStatus',
  valuesConfig: {
    ACTIVE: { description: 'Open and accepting service requests.' },
    SUSPENDED: { description: 'Temporarily not accepting requests.' },
    CLOSED: { description: 'Closed for good (kept for the history of its requests).' },
  },
});
