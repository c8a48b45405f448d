import { v5 as uuidv5 } from 'uuid';
import type { EntityManager } from '@mikro-orm/postgresql';
import { REFERENCE_PROVINCES, RefProvince } from './reference/regions';
import { UnitKind, UnitLevel } from './unit.enums';

/** Namespace of the deterministic ids of reference and generated units (UUID v5 of tenant:code). */
const UNIT_NAMESPACE = '7b0c9a52-3f1e-5d0a-9a57-3c8f0f4f2a10';

export function unitId(tenantId: number, code: string): string {
  return uuidv5(`${tenantId}:${code}`, UNIT_NAMESPACE);
}

export interface SeedUnit {
  tenantId: number;
  id: string;
  code: string;
  name: string;
  level: UnitLevel;
  kind: UnitKind;
  parentCode: string | null;
}

/** Small deterministic PRNG (mulberry32), seeded from a code: the same schools on every machine. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
/** 1..99 in Chinese numerals, as school names use them (第十二中学). */
function cnNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n];
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  return `${tens === 1 ? '' : CN_DIGITS[tens]}十${ones ? CN_DIGITS[ones] : ''}`;
}

const SCHOOL_KINDS: { kind: UnitKind; share: number; suffix: string; first: string }[] = [
  { kind: UnitKind.KINDERGARTEN, share: 0.36, suffix: '幼儿园', first: '机关' },
  { kind: UnitKind.PRIMARY, share: 0.4, suffix: '小学', first: '实验' },
  { kind: UnitKind.SECONDARY, share: 0.15, suffix: '中学', first: '一' },
  { kind: UnitKind.NINE_YEAR, share: 0.06, suffix: '九年一贯制学校', first: '实验' },
  { kind: UnitKind.VOCATIONAL, share: 0.03, suffix: '职业中等专业学校', first: '' },
];

/**
 * Schools of one division: a realistic few dozen to a few hundred (scaled by `scale`), with
 * 10-digit codes '2' + division code + 3-digit sequence (synthesized, in the shape of the national
 * school identifier), and one special-education school where the division is large enough.
 */
export function generateSchools(tenantId: number, divisionCode: string, divisionName: string, scale: number, range: [number, number]): SeedUnit[] {
  const random = rng(Number(divisionCode));
  const total = Math.max(1, Math.round((range[0] + Math.floor(random() * (range[1] - range[0] + 1))) * scale));
  const out: SeedUnit[] = [];
  let seq = 0;
  const push = (kind: UnitKind, name: string) => {
    seq++;
    const code = `2${divisionCode}${String(seq).padStart(3, '0')}`;
    out.push({ tenantId, id: unitId(tenantId, code), code, name, level: UnitLevel.SCHOOL, kind, parentCode: divisionCode });
  };
  for (const spec of SCHOOL_KINDS) {
    const n = Math.max(spec.kind === UnitKind.VOCATIONAL ? 0 : 1, Math.round(total * spec.share));
    for (let i = 1; i <= n && seq < 998; i++) {
      let name: string;
      if (spec.kind === UnitKind.VOCATIONAL) name = n === 1 ? `${divisionName}${spec.suffix}` : `${divisionName}第${cnNumber(i)}${spec.suffix}`;
      else if (spec.kind === UnitKind.SECONDARY) name = `${divisionName}第${cnNumber(i)}${spec.suffix}`;
      else name = i === 1 ? `${divisionName}${spec.first}${spec.suffix}` : `${divisionName}第${cnNumber(i > 99 ? (i % 99) + 1 : i)}${spec.suffix}${i > 99 ? `(${i})` : ''}`;
      push(spec.kind, name);
    }
  }
  if (total >= 60) push(UnitKind.SPECIAL_EDUCATION, `${divisionName}特殊教育学校`);
  return out;
}

/** Every reference unit of one province, parents before children, plus generated schools. */
export function provinceUnits(p: RefProvince, scale: number): SeedUnit[] {
  const tenantId = Number(p.code);
  const mk = (code: string, name: string, level: UnitLevel, kind: UnitKind, parentCode: string | null): SeedUnit => ({
    tenantId,
    id: unitId(tenantId, code),
    code,
    name,
    level,
    kind,
    parentCode,
  });
  const units: SeedUnit[] = [mk(p.code, p.name, UnitLevel.PROVINCE, UnitKind.EDUCATION_BUREAU, null)];
  for (const d of p.direct) {
    units.push(mk(d.code, d.name, UnitLevel.SCHOOL, d.kind === 'UNIVERSITY' ? UnitKind.UNIVERSITY : UnitKind.AFFILIATED_INSTITUTION, p.code));
  }
  for (const c of p.cities) units.push(mk(c.code, c.name, UnitLevel.CITY, UnitKind.EDUCATION_BUREAU, p.code));
  for (const c of p.cities) for (const k of c.counties) units.push(mk(k.code, k.name, UnitLevel.COUNTY, UnitKind.EDUCATION_BUREAU, c.code));
  for (const c of p.cities) {
    // City-run schools hang under the city; where no counties are modelled, the city runs them all.
    const range: [number, number] = c.counties.length ? [4, 12] : [30, 80];
    units.push(...generateSchools(tenantId, c.code, c.division, scale, range));
    for (const k of c.counties) units.push(...generateSchools(tenantId, k.code, k.division, scale, [40, 300]));
  }
  return units;
}

const LEVEL_ORDER = [UnitLevel.PROVINCE, UnitLevel.CITY, UnitLevel.COUNTY, UnitLevel.SCHOOL];

export interface SeedResult {
  tenantsInserted: number;
  unitsInserted: number;
  unitsTotal: number;
}

/**
 * Loads the reference hierarchy. Idempotent: rows are keyed by (tenant_id, code) and existing ones
 * are left alone (a unit moved or renamed since is not put back), so a second run inserts nothing.
 * Parents are looked up by code, not by computed id, so units created through the API still serve
 * as parents. One transaction; batches of `batchSize` rows per statement (one JSON parameter each).
 */
export async function seedReferenceUnits(em: EntityManager, opts: { scale?: number; batchSize?: number } = {}): Promise<SeedResult> {
  return seedProvinces(em, REFERENCE_PROVINCES, opts);
}

/** Loads provinces given as reference data (the real ones, or synthetic ones for scale runs); idempotent. */
export async function seedProvinces(em: EntityManager, provinces: RefProvince[], opts: { scale?: number; batchSize?: number } = {}): Promise<SeedResult> {
  const scale = opts.scale ?? 1;
  const batchSize = opts.batchSize ?? 2000;
  return em.transactional(async (tx) => {
    let tenantsInserted = 0;
    let unitsInserted = 0;
    let unitsTotal = 0;
    for (const p of provinces) {
      const res = await tx.execute(
        `insert into tenant (id, code, name) values (?, ?, ?) on conflict do nothing returning id`,
        [Number(p.code), p.code, p.division],
      );
      tenantsInserted += res.length;
      const units = provinceUnits(p, scale);
      unitsTotal += units.length;
      for (const level of LEVEL_ORDER) {
        const atLevel = units.filter((u) => u.level === level);
        for (let i = 0; i < atLevel.length; i += batchSize) {
          const batch = atLevel.slice(i, i + batchSize);
          const inserted = await tx.execute(
            `insert into org_unit (tenant_id, id, code, name, level, kind, parent_id)
             select v."tenantId", v.id, v.code, v.name, v.level, v.kind, p.id
               from jsonb_to_recordset(?::jsonb)
                    as v("tenantId" int, id uuid, code text, name text, level text, kind text, "parentCode" text)
               left join org_unit p on p.tenant_id = v."tenantId" and p.code = v."parentCode"
             on conflict (tenant_id, code) do nothing
             returning id`,
            [JSON.stringify(batch)],
          );
          unitsInserted += inserted.length;
        }
      }
    }
    return { tenantsInserted, unitsInserted, unitsTotal };
  }).then(async (result) => {
    // Fresh statistics, so the planner sees the hierarchy as it now is.
    if (result.unitsInserted > 0) await em.execute('analyze tenant, org_unit');
    return result;
  });
}
