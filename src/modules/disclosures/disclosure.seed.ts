import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * The category lists the source reports count by (read from /work/shared/seeds):
 * - Shanxi 2017 (seed 002): 公告通知 298, 部门工作 359, 教育专栏 548, 信息公开 181, 工作动态与市校动态 439;
 * - Xiaogan, Hubei 2018 (seed 004): 孝感教育新闻 1578, 信息公开栏目 232, then the business lines
 *   规划财务 28 … 教育工会 26;
 * - Hunan 2014/2017 (seeds 000, 001): 政务动态 2732, 通知文件 751, 政策解读, 预决算 (部门预算/决算,
 *   “三公经费”), 招生考试 (高校招生信息), plus OTHER.
 */
export const REFERENCE_CATEGORIES: Record<number, [code: string, name: string][]> = {
  140000: [
    ['NOTICE', '公告通知'],
    ['DEPARTMENT_WORK', '部门工作'],
    ['EDUCATION_COLUMNS', '教育专栏'],
    ['DISCLOSURE', '信息公开'],
    ['NEWS', '工作动态与市校动态'],
  ],
  420000: [
    ['NEWS', '孝感教育新闻'],
    ['DISCLOSURE_COLUMN', '信息公开栏目'],
    ['PLANNING_FINANCE', '规划财务'],
    ['SUPERVISION', '教育督导'],
    ['BASIC_EDUCATION', '基础教育'],
    ['VOCATIONAL_ADULT_EDUCATION', '职成教育'],
    ['RESEARCH', '教育科研'],
    ['PERSONNEL', '人事老干语委'],
    ['EDUCATION_TECHNOLOGY', '教育技术'],
    ['PARTY_BUILDING', '教育党建'],
    ['PHYSICAL_HEALTH', '体育卫生'],
    ['ADMISSIONS', '招生考试'],
    ['ADMINISTRATIVE_APPROVAL', '行政审批'],
    ['STUDENT_AID', '教育资助'],
    ['SAFETY_LOGISTICS', '安全后勤'],
    ['TRADE_UNION', '教育工会'],
  ],
  430000: [
    ['NEWS', '政务动态'],
    ['NOTICE', '通知文件'],
    ['POLICY_INTERPRETATION', '政策解读'],
    ['BUDGET_FINAL_ACCOUNTS', '预决算'],
    ['ADMISSIONS', '招生考试'],
    ['OTHER', '其他'],
  ],
};

/**
 * Loads the reference taxonomies, idempotently: existing (tenant, code) rows are left alone (a
 * tenant may have renamed or deactivated one since). Only tenants that exist get rows. One statement.
 */
export async function seedDisclosureCategories(em: EntityManager): Promise<number> {
  const rows = Object.entries(REFERENCE_CATEGORIES).flatMap(([tenantId, list]) =>
    list.map(([code, name], i) => ({ tenantId: Number(tenantId), code, name, sortOrder: (i + 1) * 10 })),
  );
  const inserted = await em.execute(
    `insert into disclosure_category (tenant_id, code, name, sort_order, active)
     select v."tenantId", v.code, v.name, v."sortOrder", true
       from jsonb_to_recordset(?::jsonb) as v("tenantId" int, code text, name text, "sortOrder" int)
       join tenant t on t.id = v."tenantId"
     on conflict (tenant_id, code) do nothing
     returning code`,
    [JSON.stringify(rows)],
  );
  return inserted.length;
}
