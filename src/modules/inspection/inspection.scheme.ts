import { InspectionCheck, InspectionProblem, NoticeGroup } from './inspection.types';

export interface SchemeDimension {
  code: string;
  name: string;
  weight: number;
  checks: InspectionCheck[];
}

export interface Scheme {
  dimensions: SchemeDimension[];
  excellentThreshold: number;
  passThreshold: number;
}

/**
 * The default scheme, after seed 003: 政务公开 (content contributed to the portal, the unit's own
 * disclosure: the annual report), 在线服务 (the sunshine-service online hall), 政民互动 (interviews),
 * 组织保障 (responsible department and officer); 100 points, 80 or more is excellent.
 */
export const DEFAULT_SCHEME: Scheme = {
  dimensions: [
    { code: 'DISCLOSURE', name: '政务公开', weight: 40, checks: [InspectionCheck.PORTAL_CONTRIBUTION, InspectionCheck.ANNUAL_REPORT] },
    { code: 'ONLINE_SERVICE', name: '在线服务', weight: 20, checks: [InspectionCheck.CENTRE_ENTRANCE] },
    { code: 'INTERACTION', name: '政民互动', weight: 20, checks: [InspectionCheck.INTERVIEW] },
    { code: 'ORGANISATION', name: '组织保障', weight: 20, checks: [InspectionCheck.RESPONSIBLE_DEPARTMENT, InspectionCheck.OFFICER] },
  ],
  excellentThreshold: 80,
  passThreshold: 60,
};

/** The problem a failed check names. */
export const CHECK_PROBLEM: Record<InspectionCheck, InspectionProblem> = {
  PORTAL_CONTRIBUTION: InspectionProblem.NO_PORTAL_CONTRIBUTION,
  ANNUAL_REPORT: InspectionProblem.NO_ANNUAL_REPORT,
  CENTRE_ENTRANCE: InspectionProblem.CENTRE_ENTRANCE_UNREACHABLE,
  INTERVIEW: InspectionProblem.NO_INTERVIEW,
  RESPONSIBLE_DEPARTMENT: InspectionProblem.NO_RESPONSIBLE_DEPARTMENT,
  OFFICER: InspectionProblem.NO_OFFICER,
};

/** The notice's wording and headings, in the notice's order. */
export const PROBLEMS: { problem: InspectionProblem; heading: string; label: string }[] = [
  { problem: InspectionProblem.NO_PORTAL_CONTRIBUTION, heading: '（一）思想上不够重视', label: '全年未向教育政务网投稿' },
  { problem: InspectionProblem.NO_INTERVIEW, heading: '（一）思想上不够重视', label: '未参与政务网在线访谈等政民互动活动' },
  { problem: InspectionProblem.NO_RESPONSIBLE_DEPARTMENT, heading: '（一）思想上不够重视', label: '未明确政务公开政务服务责任部门' },
  { problem: InspectionProblem.NO_OFFICER, heading: '（一）思想上不够重视', label: '未明确电子政务工作专干' },
  { problem: InspectionProblem.CENTRE_ENTRANCE_UNREACHABLE, heading: '（一）思想上不够重视', label: '官方网站上没有教育阳光服务网上大厅入口或者有入口但无法正常访问' },
  { problem: InspectionProblem.WEBSITE_VULNERABILITY, heading: '（二）网站安全防护能力不足', label: '网站上存在漏洞及暗链、后门等恶意程序' },
  { problem: InspectionProblem.NO_DISCLOSURE_CATALOGUE, heading: '（三）政务信息公开程度不够', label: '网站未建设信息公开相关栏目、未公布信息公开目录' },
  { problem: InspectionProblem.NO_ANNUAL_REPORT, heading: '（三）政务信息公开程度不够', label: '未及时发布信息公开年度报告' },
];

export const PROBLEM_LABEL = new Map(PROBLEMS.map((p) => [p.problem, p.label]));

export const GROUP_LABELS: Record<NoticeGroup, string> = {
  CITY_BUREAUS: '市州教育（体）局',
  UNIVERSITIES: '高等学校',
  AFFILIATED_INSTITUTIONS: '直属单位',
  OTHER_UNITS: '其他单位',
};

export const DIMENSION_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;
