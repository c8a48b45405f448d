import type { EntityManager } from '@mikro-orm/postgresql';
import type { RefProvince } from '../modules/units/reference/regions';
import { seedProvinces } from '../modules/units/unit.seed';
import { seedCalendars } from '../modules/calendar/calendar.seed';

/**
 * The 31 provincial-level divisions of the mainland (GB/T 2260), for scale runs with every province
 * as a tenant (`npm run generate -- --tenant 110000 --synthetic-province`). Only Hunan, Hubei and
 * Shanxi have real reference hierarchies; the others get a synthetic one of `cities` × `counties`
 * bureaus named after the province and numbered (e.g. 北京市第3市第2县教育局), which is what the
 * scale runs need: the shape and size of a province, not its real divisions.
 */
export const PROVINCES: Record<string, string> = {
  '110000': '北京市', '120000': '天津市', '130000': '河北省', '140000': '山西省', '150000': '内蒙古自治区',
  '210000': '辽宁省', '220000': '吉林省', '230000': '黑龙江省', '310000': '上海市', '320000': '江苏省',
  '330000': '浙江省', '340000': '安徽省', '350000': '福建省', '360000': '江西省', '370000': '山东省',
  '410000': '河南省', '420000': '湖北省', '430000': '湖南省', '440000': '广东省', '450000': '广西壮族自治区',
  '460000': '海南省', '500000': '重庆市', '510000': '四川省', '520000': '贵州省', '530000': '云南省',
  '540000': '西藏自治区', '610000': '陕西省', '620000': '甘肃省', '630000': '青海省', '640000': '宁夏回族自治区',
  '650000': '新疆维吾尔自治区',
};

const MUNICIPALITIES = new Set(['110000', '120000', '310000', '500000']);

export function syntheticProvince(code: string, cities: number, counties: number): RefProvince {
  const division = PROVINCES[code];
  if (!division) throw new Error(`${code} is not a provincial-level division code`);
  const prefix = code.slice(0, 2);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    code,
    division,
    name: `${division}${MUNICIPALITIES.has(code) ? '教育委员会' : '教育厅'}`,
    direct: [],
    cities: Array.from({ length: cities }, (_, c) => {
      const cityCode = `${prefix}${pad(c + 1)}00`;
      const cityDivision = `${division}第${c + 1}市`;
      return {
        code: cityCode,
        division: cityDivision,
        name: `${cityDivision}教育局`,
        counties: Array.from({ length: counties }, (_, k) => ({
          code: `${prefix}${pad(c + 1)}${pad(k + 1)}`,
          division: `${cityDivision}第${k + 1}县`,
          name: `${cityDivision}第${k + 1}县教育局`,
        })),
      };
    }),
  };
}

/**
 * Makes a synthetic province a tenant, with its bureaus, schools (at `scale`), the national
 * working-day calendar and Hunan's category list; idempotent (existing rows stay).
 */
export async function ensureSyntheticProvince(em: EntityManager, code: string, opts: { cities: number; counties: number; scale: number }): Promise<void> {
  await seedProvinces(em, [syntheticProvince(code, opts.cities, opts.counties)], { scale: opts.scale });
  await seedCalendars(em);
  await em.execute(
    `insert into disclosure_category (tenant_id, code, name, sort_order, active)
     select ?, code, name, sort_order, active from disclosure_category where tenant_id = 430000
     on conflict (tenant_id, code) do nothing`,
    [Number(code)],
  );
}
