import type { RequestContext } from '../../context';
import { BadInputError, NotFoundError } from '../../errors';
import { ApplicationOutcome } from '../applications/application.enums';
import { DisclosureChannel } from '../disclosures/disclosure.enums';
import { InteractionKind } from '../interactions/interaction.enums';
import { requireNotFutureDate, requireOwnerUnit } from '../units/unit-owner';
import type { OrgUnit } from '../units/org-unit.entity';
import { UnitLevel } from '../units/unit.enums';
import { OfficerRole } from '../officers/officer.enums';
import { UUID_RE } from '../units/unit.repository';
import { EPOCH, Period, resolvePeriod } from '../stats/period';
import { Figures } from '../stats/stats.service';
import { G, type Family } from '../stats/rollup.groups';
import type { RollupRow } from '../stats/stats.repository';
import type { ReportText } from './report-text.entity';
import { reportTextKeyId } from './report.repository';
import { AnnualReport, ReportCell, ReportFigureFormat, ReportParagraph, ReportRow, ReportSection, ReportSectionKey, ReportTable, SaveReportTextInput } from './report.types';
import { ReportingLevel, type InteractionStats } from '../stats/stats.types';
import { loadOrNotFound } from '../../ids';

export const MIN_REPORT_YEAR = 1991;
export const MAX_REPORT_YEAR = 2100;
const MAX_TEXT = 20_000;

/** Chinese labels as the seed reports use them. */
export const CHANNEL_LABELS: Record<DisclosureChannel, string> = {
  DEPARTMENT_PORTAL: '部门门户网站',
  GOVERNMENT_PORTAL: '政府门户网站',
  WECHAT: '政务微信',
  WEIBO: '政务微博',
  OTHER_MEDIA: '其他媒体',
};

export const KIND_LABELS: Record<InteractionKind, string> = {
  MAILBOX: '领导信箱',
  CONSULTATION: '咨询答疑',
  COMPLAINT: '监督投诉',
  PORTAL_QA: '公众问答',
  HOTLINE: '热线电话',
  INTERVIEW: '在线访谈',
  SURVEY: '网上调查',
  SOLICITATION: '网上征求意见',
  SERVICE_REQUEST: '服务事项',
};

export const OUTCOME_LABELS: Record<ApplicationOutcome, string> = {
  GRANTED: '同意公开',
  PARTLY_GRANTED: '同意部分公开',
  NOT_HELD: '信息不存在',
  NOT_WITHIN_SCOPE: '非本机关职责范围',
  REFUSED: '不同意公开',
  REDIRECTED: '告知另行办理',
  UNCLEAR_REQUEST: '申请内容不明确',
  DUPLICATE: '重复申请',
  OTHER: '其他',
};

/** Interaction kinds that are consultations (咨询处理); the rest are held events or service requests. */
const CONSULTATION_KINDS = [InteractionKind.MAILBOX, InteractionKind.CONSULTATION, InteractionKind.COMPLAINT, InteractionKind.PORTAL_QA, InteractionKind.HOTLINE];
/** The unit's own interactive columns (seed 000: 厅长信箱、咨询答疑、监督投诉), counted apart from the portal's Q&A and the hotline. */
const OWN_CHANNEL_KINDS = [InteractionKind.MAILBOX, InteractionKind.CONSULTATION, InteractionKind.COMPLAINT];

/** The note of a table with rates; the renderers print RATE rows as percentages. */
const RATE_NOTE = '单位：条；比率为百分比（扣除无效、重复提问后计算）';

interface ConsultationFigures {
  received: number;
  replied: number;
  onTime: number;
  invalid: number;
  duplicate: number;
  open: number;
  replyRate: number | null;
  onTimeRate: number | null;
}

/** Sums of the given kinds; rates over what was replied or is still open (invalid and duplicate ones left out). */
function consultationFigures(s: InteractionStats, kinds: InteractionKind[]): ConsultationFigures {
  const ks = s.byKind.filter((k) => kinds.includes(k.kind));
  const sum = (f: 'received' | 'replied' | 'repliedOnTime' | 'invalid' | 'duplicate' | 'open') => ks.reduce((n, k) => n + k[f], 0);
  const base = sum('replied') + sum('open');
  return {
    received: sum('received'), replied: sum('replied'), onTime: sum('repliedOnTime'), invalid: sum('invalid'), duplicate: sum('duplicate'), open: sum('open'),
    replyRate: rate(sum('replied'), base), onTimeRate: rate(sum('repliedOnTime'), base),
  };
}

const percent = (r: number) => `${(r * 100).toFixed(1)}%`;

/** The seed's own sentences (seed 000, 三、3), from the figures of the year; none for what did not happen. */
function consultationParagraphs(own: ConsultationFigures, qa: ConsultationFigures): ReportParagraph[] {
  const text: string[] = [];
  if (own.received) {
    const onTime = own.onTimeRate === null ? '' : `，扣除无效提问后，按时回复率${percent(own.onTimeRate)}`;
    text.push(`通过领导信箱、咨询答疑、监督投诉等互动栏目，共收到公众咨询投诉${own.received}条，在规定时限内处理${own.onTime}条${onTime}。`);
  }
  if (qa.received) {
    const replied = qa.replyRate === null ? '' : `，回复率${percent(qa.replyRate)}`;
    text.push(`回答政府门户网站“公众问答”网友咨询问题共计${qa.received}条${replied}。`);
  }
  return text.length ? [{ heading: '咨询答复', text: text.join('\n') }] : [];
}

function cell(value: number | null, previous: number | null): ReportCell {
  return { value, previous, change: value === null || previous === null ? null : round(value - previous) };
}

function round(n: number): number {
  return Math.round(n * 10_000) / 10_000;
}

function rate(n: number, d: number): number | null {
  return d > 0 ? round(n / d) : null;
}

const ONE_COLUMN = [{ key: 'count', label: '数量' }];

/** How a row's figures are read, from its key: rates are fractions, fees are yuan. */
function formatOf(key: string): ReportFigureFormat {
  if (/Rate$/.test(key)) return ReportFigureFormat.RATE;
  if (key === 'feesCharged') return ReportFigureFormat.AMOUNT;
  return ReportFigureFormat.COUNT;
}

function table(key: string, title: string, rows: [string, string, number | null, number | null][], note?: string): ReportTable {
  return { key, title, note, columns: ONE_COLUMN, rows: rows.map(([k, label, v, p]) => ({ key: k, label, format: formatOf(k), cells: [cell(v, p)] })) };
}

/** Rows of a breakdown present in either year, in the order of `order` (then by key). */
function breakdown<K extends string>(cur: Map<K, number>, prev: Map<K, number>, label: (k: K) => string, order?: readonly K[]): ReportRow[] {
  const keys = [...new Set([...cur.keys(), ...prev.keys()])];
  keys.sort((a, b) => {
    const ia = order ? order.indexOf(a) : -1;
    const ib = order ? order.indexOf(b) : -1;
    return ia !== ib ? (ia < 0 ? 1 : ib < 0 ? -1 : ia - ib) : (cur.get(b) ?? 0) - (cur.get(a) ?? 0) || a.localeCompare(b);
  });
  return keys.map((k) => ({ key: k, label: label(k), format: ReportFigureFormat.COUNT, cells: [cell(cur.get(k) ?? 0, prev.get(k) ?? 0)] }));
}

function checkYear(year: number, field = 'year'): number {
  if (!Number.isInteger(year) || year < MIN_REPORT_YEAR || year > MAX_REPORT_YEAR) throw new BadInputError(`\`${field}\` must be a year ${MIN_REPORT_YEAR}–${MAX_REPORT_YEAR}.`, field);
  return year;
}

/** A unit the request can see, by id, or NOT_FOUND. */
export function visibleUnitById(ctx: RequestContext, id: string, field: string): Promise<OrgUnit> {
  return loadOrNotFound(ctx.loaders.units.byId, id, 'unit', field);
}

interface YearFigures {
  own: Record<Family, RollupRow[]>;
  subtree: Record<'centres' | 'interactions' | 'officers', RollupRow[]>;
}

/**
 * Whether anything was recorded for the unit in the period: a flow of its own or of its subtree, or
 * a centre open at its end. A year without any is printed "—", not as zeros with a change beside them.
 */
function hasData(y: YearFigures): boolean {
  const any = (rows: RollupRow[], grp?: number) => rows.some((r) => (grp === undefined || r.grp === grp) && r.c.some((n) => n));
  return (
    any(y.own.disclosures) || any(y.own.interactions) || any(y.own.applications) || any(y.subtree.interactions) ||
    any(y.own.centres, G.CENTRES) || any(y.subtree.centres, G.CENTRES)
  );
}

/** Blanks the cells of a year without data (officers are counted now, not by year, and keep theirs). */
function blankYears(sections: ReportSection[], hasCur: boolean, hasPrev: boolean): void {
  if (hasCur && hasPrev) return;
  for (const s of sections) {
    if (s.key === ReportSectionKey.OFFICERS) continue;
    for (const t of s.tables) {
      for (const r of t.rows) r.cells = r.cells.map((c) => cell(hasCur ? c.value : null, hasPrev ? c.previous : null));
    }
  }
}

const OWN_FAMILIES: Family[] = ['disclosures', 'interactions', 'applications', 'centres', 'officers'];
const SUBTREE_FAMILIES = ['centres', 'interactions', 'officers'] as const;

/** Every family a report reads for a period: all asked at once, so the loader reads them in one statement. */
async function yearFigures(ctx: RequestContext, unit: OrgUnit, period: Period): Promise<YearFigures> {
  const load = (family: Family, own: boolean) => ctx.loaders.stats.figures.load({ unit, own, period, family });
  const [own, subtree] = await Promise.all([
    Promise.all(OWN_FAMILIES.map((f) => load(f, true))),
    Promise.all(SUBTREE_FAMILIES.map((f) => load(f, false))),
  ]);
  return {
    own: Object.fromEntries(OWN_FAMILIES.map((f, i) => [f, own[i]])) as YearFigures['own'],
    subtree: Object.fromEntries(SUBTREE_FAMILIES.map((f, i) => [f, subtree[i]])) as YearFigures['subtree'],
  };
}

/**
 * The annual report of a unit: every figure read through the stats loader from the rollups (one
 * statement per period: the year, the previous year, and the years before for applications carried
 * over), the category names through their loader, the free text through its loader.
 */
export const ReportService = {
  checkYear(year: number): number {
    return checkYear(year);
  },

  async annualReport(ctx: RequestContext, unitId: string, year: number): Promise<AnnualReport> {
    checkYear(year);
    const unit = await visibleUnitById(ctx, unitId, 'unitId');
    return this.build(ctx, unit, year);
  },

  async build(ctx: RequestContext, unit: OrgUnit, year: number): Promise<AnnualReport> {
    const period = resolvePeriod({ year });
    const previousPeriod = resolvePeriod({ year: year - 1 });
    const before: Period = { from: EPOCH, to: `${year - 1}-12-31`, label: `..${year - 1}` };
    const [cur, prev, earlier, prevEarlier, text] = await Promise.all([
      yearFigures(ctx, unit, period),
      yearFigures(ctx, unit, previousPeriod),
      ctx.loaders.stats.figures.load({ unit, own: true, period: before, family: 'applications' }),
      ctx.loaders.stats.figures.load({ unit, own: true, period: { from: EPOCH, to: `${year - 2}-12-31`, label: `..${year - 2}` }, family: 'applications' }),
      ctx.loaders.reports.text.load(reportTextKeyId({ tenantId: unit.tenantId, unitId: unit.id, year })),
    ]);
    const now = ctx.now;
    const hasCur = hasData(cur);
    const hasPrev = hasData(prev);

    // 一、主动公开
    const d = Figures.disclosures(cur.own.disclosures);
    const dp = Figures.disclosures(prev.own.disclosures);
    const categoryCodes = [...new Set([...d.byCategory, ...dp.byCategory].map((c) => c.categoryCode))];
    const categories = await ctx.loaders.disclosures.category.loadMany(categoryCodes.map((c) => `${unit.tenantId}:${c}`));
    const categoryName = new Map(categoryCodes.map((c, i) => [c, (categories[i] && !(categories[i] instanceof Error) ? (categories[i] as { name: string }).name : c)]));
    const categoryOrder = categoryCodes
      .map((c, i) => ({ c, s: categories[i] && !(categories[i] instanceof Error) ? (categories[i] as { sortOrder: number }).sortOrder : 1e9 }))
      .sort((a, b) => a.s - b.s || a.c.localeCompare(b.c))
      .map((x) => x.c);
    const disclosure: ReportSection = {
      key: ReportSectionKey.DISCLOSURE,
      title: '一、主动公开政府信息情况',
      paragraphs: [],
      tables: [
        table('totals', '主动公开信息', [
          ['published', '主动公开信息总数', d.published, dp.published],
          ['inSpecialColumn', '其中：专题专栏公开', d.inSpecialColumn, dp.inSpecialColumn],
        ], '单位：条'),
        {
          key: 'byCategory',
          title: '按信息类别',
          note: '单位：条',
          columns: ONE_COLUMN,
          rows: breakdown(new Map(d.byCategory.map((c) => [c.categoryCode, c.count])), new Map(dp.byCategory.map((c) => [c.categoryCode, c.count])), (k) => categoryName.get(k) ?? k, categoryOrder),
        },
        {
          key: 'byChannel',
          title: '按发布渠道',
          note: '单位：条（同一信息在多个渠道发布的，每个渠道各计一次）',
          columns: ONE_COLUMN,
          rows: breakdown(
            new Map(d.byChannel.map((c) => [c.channel, c.count])),
            new Map(dp.byChannel.map((c) => [c.channel, c.count])),
            (k) => CHANNEL_LABELS[k] ?? k,
            Object.values(DisclosureChannel),
          ),
        },
      ],
    };

    // 二、依申请公开
    const a = Figures.applications(cur.own.applications, now);
    const ap = Figures.applications(prev.own.applications, now);
    const carried = Figures.applications(earlier, now).pending;
    const carriedPrev = Figures.applications(prevEarlier, now).pending;
    const applications: ReportSection = {
      key: ReportSectionKey.APPLICATIONS,
      title: '二、政府信息依申请公开情况',
      paragraphs: [],
      tables: [
        table('totals', '申请办理情况', [
          ['received', '本年收到申请数', a.received, ap.received],
          ['carriedOver', '上年结转申请数', carried, carriedPrev],
          ['decided', '已办结', a.decided, ap.decided],
          ['decidedOnTime', '其中：在规定时限内答复', a.decidedOnTime, ap.decidedOnTime],
          ['extended', '延期答复', a.extended, ap.extended],
          ['withdrawn', '申请人撤回', a.withdrawn, ap.withdrawn],
          ['pending', '尚未办结', a.pending, ap.pending],
          ['overdue', '其中：已超过答复期限', a.overdue, ap.overdue],
        ], '单位：件。上年结转：以前年度收到、至今尚未办结的申请'),
        {
          key: 'byOutcome',
          title: '办理结果',
          note: '单位：件',
          columns: ONE_COLUMN,
          rows: breakdown(
            new Map(a.byOutcome.map((o) => [o.outcome, o.count])),
            new Map(ap.byOutcome.map((o) => [o.outcome, o.count])),
            (k) => OUTCOME_LABELS[k] ?? k,
            Object.values(ApplicationOutcome),
          ),
        },
      ],
    };

    // 三、咨询处理和政民互动: the department's own channels apart from the government portal's Q&A
    // and the hotline, as seed 000 counts them (4,736 by mailbox, consultation and complaint; 59 on the portal).
    const i = Figures.interactions(cur.own.interactions, now);
    const ip = Figures.interactions(prev.own.interactions, now);
    const groupTable = (key: string, title: string, kinds: InteractionKind[], receivedLabel: string) => {
      const c = consultationFigures(i, kinds);
      const cp = consultationFigures(ip, kinds);
      return table(key, title, [
        ['received', receivedLabel, c.received, cp.received],
        ['replied', '已答复', c.replied, cp.replied],
        ['repliedOnTime', '在规定时限内答复', c.onTime, cp.onTime],
        ['invalid', '无效提问', c.invalid, cp.invalid],
        ['duplicate', '重复提问', c.duplicate, cp.duplicate],
        ['open', '尚未答复', c.open, cp.open],
        ['replyRate', '回复率（扣除无效、重复提问）', c.replyRate, cp.replyRate],
        ['onTimeRate', '按时回复率（扣除无效、重复提问）', c.onTimeRate, cp.onTimeRate],
      ], RATE_NOTE);
    };
    const kindMap = (s: typeof i, f: 'received' | 'repliedOnTime') => new Map(s.byKind.filter((k) => CONSULTATION_KINDS.includes(k.kind)).map((k) => [k.kind, k[f]]));
    const kindRows = (f: 'received' | 'repliedOnTime') => breakdown(kindMap(i, f), kindMap(ip, f), (k) => KIND_LABELS[k], CONSULTATION_KINDS);
    const receivedRows = kindRows('received');
    const onTimeRows = new Map(kindRows('repliedOnTime').map((r) => [r.key, r.cells[0]]));
    const own = consultationFigures(i, OWN_CHANNEL_KINDS);
    const qa = consultationFigures(i, [InteractionKind.PORTAL_QA]);
    const interaction: ReportSection = {
      key: ReportSectionKey.INTERACTION,
      title: '三、咨询处理和政民互动情况',
      paragraphs: hasCur ? consultationParagraphs(own, qa) : [],
      tables: [
        groupTable('consultations', '本机关互动栏目（领导信箱、咨询答疑、监督投诉）', OWN_CHANNEL_KINDS, '收到公众咨询投诉'),
        groupTable('portalQa', '政府门户网站“公众问答”', [InteractionKind.PORTAL_QA], '收到网友咨询问题'),
        groupTable('hotline', '热线电话', [InteractionKind.HOTLINE], '接听公众咨询'),
        {
          key: 'byKind',
          title: '按渠道',
          note: '单位：条',
          columns: [
            { key: 'received', label: '收到' },
            { key: 'repliedOnTime', label: '按时答复' },
          ],
          rows: receivedRows.map((r) => ({ ...r, cells: [r.cells[0], onTimeRows.get(r.key) ?? cell(0, 0)] })),
        },
        table('participation', '政民互动', [
          ['interviews', '在线访谈（场）', i.interviews, ip.interviews],
          ['surveys', '网上调查（次）', i.surveys, ip.surveys],
          ['solicitations', '网上征求意见（次）', i.solicitations, ip.solicitations],
        ]),
      ],
    };

    // 四、行政复议、行政诉讼
    const s = Figures.disputes(cur.own.applications);
    const sp = Figures.disputes(prev.own.applications);
    const disputeRow = (key: 'filed' | 'upheld' | 'corrected' | 'other' | 'pending', label: string): ReportRow => ({
      key,
      label,
      format: ReportFigureFormat.COUNT,
      cells: [cell(s.reconsiderations[key], sp.reconsiderations[key]), cell(s.lawsuits[key], sp.lawsuits[key])],
    });
    const disputes: ReportSection = {
      key: ReportSectionKey.DISPUTES,
      title: '四、因政府信息公开申请行政复议、提起行政诉讼情况',
      paragraphs: [],
      tables: [
        {
          key: 'disputes',
          title: '行政复议和行政诉讼',
          note: '单位：件',
          columns: [
            { key: 'reconsiderations', label: '行政复议' },
            { key: 'lawsuits', label: '行政诉讼' },
          ],
          rows: [disputeRow('filed', '总计'), disputeRow('upheld', '结果维持'), disputeRow('corrected', '结果纠正'), disputeRow('other', '其他结果'), disputeRow('pending', '尚未审结')],
        },
      ],
    };

    // 五、收费
    const fees: ReportSection = {
      key: ReportSectionKey.FEES,
      title: '五、政府信息公开收费及减免情况',
      paragraphs: [],
      tables: [table('fees', '收费', [['feesCharged', '收取费用（元）', a.feesCharged, ap.feesCharged]])],
    };

    // 六、阳光服务中心和服务事项
    const oc = Figures.centres(cur.own.centres);
    const ocp = Figures.centres(prev.own.centres);
    const sc = Figures.centres(cur.subtree.centres);
    const scp = Figures.centres(prev.subtree.centres);
    const si = Figures.interactions(cur.subtree.interactions, now);
    const sip = Figures.interactions(prev.subtree.interactions, now);
    const atLevel = (x: typeof sc, level: ReportingLevel) => x.byReportingLevel.find((l) => l.reportingLevel === level)?.centres ?? 0;
    const centreRows: [string, string, number, number][] = [
      ['own', '本单位服务中心', oc.total, ocp.total],
      ['ownReachable', '其中：网上大厅入口可正常访问', oc.reachable, ocp.reachable],
    ];
    if (unit.level !== UnitLevel.SCHOOL) {
      centreRows.push(
        ['subtree', '本系统服务中心（站、点）总数', sc.total, scp.total],
        ['city', '市州一级', atLevel(sc, ReportingLevel.CITY), atLevel(scp, ReportingLevel.CITY)],
        ['county', '县市区一级', atLevel(sc, ReportingLevel.COUNTY), atLevel(scp, ReportingLevel.COUNTY)],
        ['school', '中小学一级', atLevel(sc, ReportingLevel.SCHOOL), atLevel(scp, ReportingLevel.SCHOOL)],
        ['university', '高校一级', atLevel(sc, ReportingLevel.UNIVERSITY), atLevel(scp, ReportingLevel.UNIVERSITY)],
      );
    }
    const centres: ReportSection = {
      key: ReportSectionKey.CENTRES,
      title: '六、教育阳光服务中心和服务事项',
      paragraphs: [],
      tables: [
        table('centres', '教育阳光服务中心（站、点）', centreRows, '单位：个；年末在运行的'),
        table('serviceRequests', '受理服务事项', [
          ['own', '本级受理', i.serviceRequests, ip.serviceRequests],
          ...(unit.level !== UnitLevel.SCHOOL ? ([['subtree', '全系统受理', si.serviceRequests, sip.serviceRequests]] as [string, string, number, number][]) : []),
        ], '单位：件'),
      ],
    };

    // 七、工作队伍 (people now: not dated, so no previous year)
    const o = Figures.officers(cur.own.officers);
    const so = Figures.officers(cur.subtree.officers);
    const officerRows: [string, string, number | null, number | null][] = [
      ['responsibleDepartment', '已明确责任部门（是=1）', o.unitsWithResponsibleDepartment > 0 ? 1 : 0, null],
      ['active', '本单位电子政务工作人员（含负责人、联络员）', o.active, null],
    ];
    if (unit.level !== UnitLevel.SCHOOL) officerRows.push(['subtree', '全系统电子政务工作专干', so.byRole.find((r) => r.role === OfficerRole.OFFICER)?.count ?? 0, null]);
    const officers: ReportSection = {
      key: ReportSectionKey.OFFICERS,
      title: '七、工作机构和队伍',
      paragraphs: [],
      tables: [table('officers', '工作队伍', officerRows, '单位：人；现状，不分年度')],
    };

    const problems: ReportSection = {
      key: ReportSectionKey.PROBLEMS,
      title: '八、存在的主要问题和改进措施',
      tables: [],
      paragraphs: [
        { heading: '存在的主要问题', text: text?.problems ?? '' },
        { heading: '改进措施', text: text?.improvements ?? '' },
      ],
    };

    const sections = [disclosure, applications, interaction, disputes, fees, centres, officers, problems];
    blankYears(sections, hasCur, hasPrev);
    return {
      unit,
      year,
      period,
      previousPeriod,
      title: `${unit.name}${year}年政府信息公开工作年度报告`,
      sections,
      text: text ?? null,
    };
  },

  async saveText(ctx: RequestContext, input: SaveReportTextInput): Promise<ReportText> {
    const unit = await requireOwnerUnit(ctx, input.unitId, 'input.unitId');
    checkYear(input.year, 'input.year');
    for (const f of ['problems', 'improvements'] as const) {
      const v = input[f];
      if (v === null) throw new BadInputError(`\`input.${f}\` cannot be null; pass "" to clear it.`, `input.${f}`);
      if (v !== undefined && v.length > MAX_TEXT) throw new BadInputError(`\`input.${f}\` is longer than ${MAX_TEXT} characters.`, `input.${f}`);
    }
    if (input.publishedOn) {
      requireNotFutureDate(input.publishedOn, 'input.publishedOn');
      if (input.publishedOn < `${input.year}-01-01`) throw new BadInputError('A report cannot be published before its year begins.', 'input.publishedOn');
    }
    const row = await ctx.reports.upsertText(
      { tenantId: unit.tenantId, unitId: unit.id, year: input.year },
      { problems: input.problems?.trim(), improvements: input.improvements?.trim(), publishedOn: input.publishedOn },
      ctx.actor,
    );
    const key = reportTextKeyId(row);
    ctx.loaders.reports.text.clear(key).prime(key, row);
    return row;
  },
};
