import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import type { OrgUnit } from '../units/org-unit.entity';
import { UnitKind, UnitLevel } from '../units/unit.enums';
import { requireOwnerUnit } from '../units/unit-owner';
import { resolvePeriod } from '../stats/period';
import { Figures } from '../stats/stats.service';
import { reportTextKeyId } from '../reports/report.repository';
import { MAX_REPORT_YEAR, MIN_REPORT_YEAR, visibleUnitById } from '../reports/report.service';
import { CHECK_PROBLEM, DEFAULT_SCHEME, DIMENSION_CODE, GROUP_LABELS, PROBLEM_LABEL, PROBLEMS, Scheme } from './inspection.scheme';
import {
  DimensionScore,
  Inspection,
  InspectionCheck,
  InspectionFigures,
  InspectionFinding,
  InspectionFindingInput,
  InspectionGrade,
  InspectionProblem,
  InspectionScheme,
  InspectionSchemeInput,
  InspectionScoreInput,
  ManualScore,
  NoticeGroup,
  ScoreSource,
  UnitInspection,
} from './inspection.types';

const MAX_NOTE = 2000;

function checkYear(year: number, field: string): void {
  if (!Number.isInteger(year) || year < MIN_REPORT_YEAR || year > MAX_REPORT_YEAR) throw new BadInputError(`\`${field}\` must be a year ${MIN_REPORT_YEAR}–${MAX_REPORT_YEAR}.`, field);
}

function checkNote(note: string | null | undefined, field: string): string | null {
  if (note === undefined || note === null) return null;
  if (note.length > MAX_NOTE) throw new BadInputError(`\`${field}\` is longer than ${MAX_NOTE} characters.`, field);
  return note.trim() || null;
}

export function groupOf(unit: OrgUnit): NoticeGroup {
  if (unit.level === UnitLevel.CITY) return NoticeGroup.CITY_BUREAUS;
  if (unit.kind === UnitKind.UNIVERSITY) return NoticeGroup.UNIVERSITIES;
  if (unit.kind === UnitKind.AFFILIATED_INSTITUTION) return NoticeGroup.AFFILIATED_INSTITUTIONS;
  return NoticeGroup.OTHER_UNITS;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

async function tenantCode(ctx: RequestContext, tenantId: number): Promise<string> {
  return (await ctx.tenantById(tenantId))?.code ?? String(tenantId);
}

async function schemeOf(ctx: RequestContext, tenantId: number): Promise<InspectionScheme> {
  const stored = await ctx.inspection.scheme(tenantId);
  const s: Scheme = stored ?? DEFAULT_SCHEME;
  return {
    tenant: await tenantCode(ctx, tenantId),
    dimensions: s.dimensions.map((d) => ({ ...d, checks: [...d.checks] })),
    total: s.dimensions.reduce((n, d) => n + d.weight, 0),
    excellentThreshold: s.excellentThreshold,
    passThreshold: s.passThreshold,
    isDefault: !stored,
    updatedBy: stored?.updatedBy ?? null,
    updatedAt: stored?.updatedAt ?? null,
  };
}

/** Figures behind the checks, from the unit's own rollups and its previous year's report text. */
interface CheckData {
  figures: InspectionFigures;
  passed: Set<InspectionCheck>;
}

export const InspectionService = {
  async scheme(ctx: RequestContext, tenant: string): Promise<InspectionScheme> {
    const tenantId = await ctx.requireTenantId(tenant, 'tenant');
    return schemeOf(ctx, tenantId);
  },

  async setScheme(ctx: RequestContext, tenant: string, input: InspectionSchemeInput): Promise<InspectionScheme> {
    const tenantId = await ctx.requireTenantId(tenant, 'tenant');
    const dims = input.dimensions ?? [];
    if (dims.length < 1 || dims.length > 20) throw new BadInputError('A scheme has 1–20 dimensions.', 'input.dimensions');
    const codes = new Set<string>();
    dims.forEach((d, i) => {
      if (!DIMENSION_CODE.test(d.code)) throw new BadInputError('A dimension code is A–Z, 0–9 and _, starting with a letter, at most 40 characters.', `input.dimensions.${i}.code`);
      if (codes.has(d.code)) throw new BadInputError(`Dimension ${d.code} appears twice.`, `input.dimensions.${i}.code`);
      codes.add(d.code);
      if (!d.name.trim() || d.name.length > 100) throw new BadInputError('A dimension name is 1–100 characters.', `input.dimensions.${i}.name`);
      if (!(d.weight > 0)) throw new BadInputError('A weight is more than 0.', `input.dimensions.${i}.weight`);
      if (new Set(d.checks).size !== d.checks.length) throw new BadInputError('A check appears twice.', `input.dimensions.${i}.checks`);
    });
    const allChecks = dims.flatMap((d) => d.checks);
    if (new Set(allChecks).size !== allChecks.length) throw new BadInputError('A check belongs to one dimension only.', 'input.dimensions');
    const total = dims.reduce((n, d) => n + d.weight, 0);
    if (Math.abs(total - 100) > 1e-9) throw new BadInputError(`The weights add up to ${total}, not 100.`, 'input.dimensions');
    if (!Number.isInteger(input.excellentThreshold) || input.excellentThreshold < 0 || input.excellentThreshold > 100)
      throw new BadInputError('`excellentThreshold` is 0–100.', 'input.excellentThreshold');
    if (!Number.isInteger(input.passThreshold) || input.passThreshold < 0 || input.passThreshold > input.excellentThreshold)
      throw new BadInputError('`passThreshold` is 0 to the excellent threshold.', 'input.passThreshold');
    const scheme: Scheme = {
      dimensions: dims.map((d) => ({ code: d.code, name: d.name.trim(), weight: d.weight, checks: d.checks })),
      excellentThreshold: input.excellentThreshold,
      passThreshold: input.passThreshold,
    };
    await ctx.inspection.saveScheme(tenantId, scheme, ctx.actor);
    return schemeOf(ctx, tenantId);
  },

  async setScore(ctx: RequestContext, input: InspectionScoreInput): Promise<ManualScore | null> {
    const unit = await requireOwnerUnit(ctx, input.unitId, 'input.unitId');
    checkYear(input.year, 'input.year');
    const scheme = await schemeOf(ctx, unit.tenantId);
    const dim = scheme.dimensions.find((d) => d.code === input.dimension);
    if (!dim) throw new BadInputError(`No dimension ${input.dimension} in the scheme of tenant ${scheme.tenant} (${scheme.dimensions.map((d) => d.code).join(', ')}).`, 'input.dimension');
    const note = checkNote(input.note, 'input.note');
    if (input.score === null || input.score === undefined) {
      await ctx.inspection.clearScore(unit.tenantId, unit.id, input.year, dim.code);
      return null;
    }
    if (!Number.isFinite(input.score) || input.score < 0 || input.score > dim.weight)
      throw new BadInputError(`The score of ${dim.code} is 0–${dim.weight}.`, 'input.score');
    const row = await ctx.inspection.setScore(unit.tenantId, unit.id, input.year, dim.code, input.score, note, ctx.actor);
    return { unit, year: row.year, dimension: row.dimension, score: row.score, note: row.note, scoredBy: row.scoredBy, scoredAt: row.scoredAt };
  },

  async setFinding(ctx: RequestContext, input: InspectionFindingInput): Promise<boolean> {
    const unit = await requireOwnerUnit(ctx, input.unitId, 'input.unitId');
    checkYear(input.year, 'input.year');
    const note = checkNote(input.note, 'input.note');
    if (input.present) await ctx.inspection.setFinding(unit.tenantId, unit.id, input.year, input.problem, note, ctx.actor);
    else await ctx.inspection.clearFinding(unit.tenantId, unit.id, input.year, input.problem);
    return input.present;
  },

  /**
   * The inspection of the units directly under `parentId` for a year. Statements, whatever the
   * number of units: the parent, its children, the scheme, the own figures of every child (one
   * rollup statement through the stats loader), the previous year's report texts (one), manual
   * scores and findings (one), and the tenant list.
   */
  async inspection(ctx: RequestContext, parentId: string, year: number): Promise<Inspection> {
    checkYear(year, 'year');
    const parent = await visibleUnitById(ctx, parentId, 'parentId');
    return this.build(ctx, parent, year);
  },

  async build(ctx: RequestContext, parent: OrgUnit, year: number): Promise<Inspection> {
    const period = resolvePeriod({ year });
    const [units, scheme] = await Promise.all([ctx.loaders.units.children.load({ tenantId: parent.tenantId, parentId: parent.id, plan: [{ level: null, name: true, kind: true }] }), schemeOf(ctx, parent.tenantId)]);
    const load = (unit: OrgUnit, family: 'disclosures' | 'interactions' | 'centres' | 'officers') => ctx.loaders.stats.figures.load({ unit, own: true, period, family });
    const [data, texts, marks] = await Promise.all([
      Promise.all(units.map((u) => Promise.all([load(u, 'disclosures'), load(u, 'interactions'), load(u, 'centres'), load(u, 'officers')]))),
      ctx.loaders.reports.text.loadMany(units.map((u) => reportTextKeyId({ tenantId: u.tenantId, unitId: u.id, year: year - 1 }))),
      ctx.inspection.marks(parent.tenantId, year, units.map((u) => u.id)),
    ]);
    const checks: CheckData[] = units.map((_, i) => {
      const [d, it, c, o] = data[i];
      const text = texts[i] && !(texts[i] instanceof Error) ? (texts[i] as { publishedOn?: string | null }) : null;
      const officers = Figures.officers(o);
      const figures: InspectionFigures = {
        published: Figures.disclosures(d).published,
        interviews: Figures.interactions(it, ctx.now).interviews,
        reachableEntrances: Figures.centres(c).reachable,
        officers: officers.active,
        responsibleDepartment: officers.unitsWithResponsibleDepartment > 0,
        annualReportPublishedOn: text?.publishedOn && text.publishedOn <= period.to ? text.publishedOn : null,
      };
      const passed = new Set<InspectionCheck>();
      if (figures.published > 0) passed.add(InspectionCheck.PORTAL_CONTRIBUTION);
      if (figures.annualReportPublishedOn) passed.add(InspectionCheck.ANNUAL_REPORT);
      if (figures.reachableEntrances > 0) passed.add(InspectionCheck.CENTRE_ENTRANCE);
      if (figures.interviews > 0) passed.add(InspectionCheck.INTERVIEW);
      if (figures.responsibleDepartment) passed.add(InspectionCheck.RESPONSIBLE_DEPARTMENT);
      if (figures.officers > 0) passed.add(InspectionCheck.OFFICER);
      return { figures, passed };
    });
    const scoresOf = new Map<string, Map<string, (typeof marks.scores)[number]>>();
    for (const s of marks.scores) (scoresOf.get(s.unitId) ?? scoresOf.set(s.unitId, new Map()).get(s.unitId)!).set(s.dimension, s);
    const findingsOf = new Map<string, typeof marks.findings>();
    for (const f of marks.findings) (findingsOf.get(f.unitId) ?? findingsOf.set(f.unitId, []).get(f.unitId)!).push(f);
    const problemOrder = PROBLEMS.map((p) => p.problem);

    const results: UnitInspection[] = units.map((unit, i) => {
      const { figures, passed } = checks[i];
      const manual = scoresOf.get(unit.id);
      const dimensions: DimensionScore[] = scheme.dimensions.map((dim) => {
        const checksPassed = dim.checks.filter((c) => passed.has(c)).length;
        const m = manual?.get(dim.code);
        if (m) return { code: dim.code, name: dim.name, weight: dim.weight, score: Math.min(m.score, dim.weight), source: ScoreSource.MANUAL, checksPassed, checksTotal: dim.checks.length, scoredBy: m.scoredBy, scoredAt: m.scoredAt, note: m.note };
        const score = dim.checks.length ? round2((dim.weight * checksPassed) / dim.checks.length) : 0;
        return { code: dim.code, name: dim.name, weight: dim.weight, score, source: ScoreSource.COMPUTED, checksPassed, checksTotal: dim.checks.length };
      });
      const findings = new Map<InspectionProblem, InspectionFinding>();
      // Computed problems come from every check of the data, whether or not the scheme weighs it.
      for (const check of Object.values(InspectionCheck)) {
        if (!passed.has(check)) {
          const problem = CHECK_PROBLEM[check];
          findings.set(problem, { problem, label: PROBLEM_LABEL.get(problem)!, source: ScoreSource.COMPUTED });
        }
      }
      for (const f of findingsOf.get(unit.id) ?? []) {
        const problem = f.problem as InspectionProblem;
        findings.set(problem, { problem, label: PROBLEM_LABEL.get(problem) ?? problem, source: ScoreSource.MANUAL, note: f.note, foundBy: f.foundBy, foundAt: f.foundAt });
      }
      const score = round2(dimensions.reduce((n, d) => n + d.score, 0));
      return {
        unit,
        group: groupOf(unit),
        score,
        grade: score >= scheme.excellentThreshold ? InspectionGrade.EXCELLENT : score >= scheme.passThreshold ? InspectionGrade.PASS : InspectionGrade.FAIL,
        rank: 0,
        dimensions,
        findings: [...findings.values()].sort((a, b) => problemOrder.indexOf(a.problem) - problemOrder.indexOf(b.problem)),
        figures,
      };
    });
    results.sort((a, b) => b.score - a.score || a.unit.code.localeCompare(b.unit.code));
    results.forEach((r, i) => (r.rank = i > 0 && results[i - 1].score === r.score ? results[i - 1].rank : i + 1));

    const excellent = results.filter((r) => r.grade === InspectionGrade.EXCELLENT);
    const byCode = (a: UnitInspection, b: UnitInspection) => a.unit.code.localeCompare(b.unit.code);
    return {
      parent,
      year,
      scheme,
      units: results,
      notice: {
        excellentCount: excellent.length,
        excellent: Object.values(NoticeGroup)
          .map((group) => ({ group, label: GROUP_LABELS[group], units: excellent.filter((r) => r.group === group).map((r) => r.unit) }))
          .filter((g) => g.units.length),
        problems: PROBLEMS.map((p) => ({
          ...p,
          units: results
            .filter((r) => r.findings.some((f) => f.problem === p.problem))
            .sort(byCode)
            .map((r) => r.unit),
        })).filter((p) => p.units.length),
      },
    };
  },
};

