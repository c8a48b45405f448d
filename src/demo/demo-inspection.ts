import type { EntityManager } from '@mikro-orm/postgresql';

/**
 * Demo data behind the 2019 inspection notice of Hunan (seed 003): every unit directly under the
 * province (14 cities, 40 universities, 6 affiliated institutions) with its 2019 records, so that
 * `inspection(parentId: Hunan, year: 2019)` reproduces the notice: 31 excellent units (5 cities,
 * 20 universities, the 6 affiliated institutions) and the units named under each problem.
 *
 * From the data (computed checks): 2019 items and interviews (none for the units of list 1), the
 * responsible department and officer (none for list 2), a centre whose online-hall entrance was
 * reachable at its latest check (unreachable for list 3), the 2018 annual report published in 2019
 * (not for list 5). What data cannot tell is entered as the inspectors did: website
 * vulnerabilities (list 4) and the missing disclosure catalogue (list 5) as findings, and a manual
 * 政务公开 score (own-website content, judged by the experts) for the units not rated excellent.
 */

export const INSPECTION_2019 = {
  excellent: [
    '长沙市教育局', '衡阳市教育局', '常德市教育体育局', '郴州市教育局', '湘西自治州教育和体育局',
    '湘潭大学', '吉首大学', '湖南大学', '中南大学', '长沙理工大学', '湖南农业大学', '湖南师范大学', '南华大学', '长沙师范学院',
    '湖南财政经济学院', '湖南第一师范学院', '衡阳师范学院', '湖南文理学院', '湖南科技职业学院', '湖南工艺美术职业学院',
    '长沙民政职业技术学院', '湖南汽车工程职业学院', '湖南现代物流职业技术学院', '湖南铁路科技职业技术学院', '长沙航空职业技术学院',
    '湖南省教育考试院', '湖南省教育科学研究院', '湖南省教育电视台', '湖南省大中专学校学生信息咨询与就业指导中心', '湖南省学生资助管理中心', '湖南省教育厅信息中心',
  ],
  /** 全年未向湖南教育政务网投稿，未参与政务网在线访谈 */
  noContribution: ['湘南幼儿师范高等专科学校', '湖南商务职业技术学院', '湘中幼儿师范高等专科学校', '湖南体育职业学院', '湖南九嶷职业技术学院', '湖南高尔夫旅游职业学院', '湖南吉利汽车职业技术学院'],
  /** 未明确政务公开政务服务责任部门和电子政务工作专干 */
  noOfficer: ['湘南幼儿师范高等专科学校', '湖南民族职业学院', '湖南高速铁路职业技术学院', '湖南城建职业技术学院', '长沙南方职业学院', '湖南电子科技职业学院', '湖南工商职业学院'],
  /** 官方网站上没有教育阳光服务网上大厅入口或者有入口但无法正常访问 */
  entranceUnreachable: ['湘中幼儿师范高等专科学校', '湖南体育职业学院', '湖南电子科技职业学院', '湖南吉利汽车职业技术学院'],
  /** 网站上存在漏洞及暗链、后门等恶意程序 */
  websiteVulnerable: ['湖南交通工程学院', '湖南幼儿师范高等专科学校', '湖南民族职业学院', '湖南商务职业技术学院', '湖南高速铁路职业技术学院', '湖南体育职业学院', '湖南城建职业技术学院', '娄底职业技术学院', '长沙南方职业学院', '湖南工商职业学院', '湖南吉利汽车职业技术学院'],
  /** 未建设信息公开栏目、未公布信息公开目录、未及时发布信息公开年度报告 */
  disclosureLacking: ['湖南交通工程学院', '湘南幼儿师范高等专科学校', '湖南城建职业技术学院', '长沙南方职业学院', '湖南电子科技职业学院', '湖南高尔夫旅游职业学院', '湖南工商职业学院', '湖南吉利汽车职业技术学院'],
};

/** Free text of the annual reports of the seeds (sections 九 of seed 002, 四/五 of seed 004). */
const REPORT_TEXTS: { tenant: number; code: string; year: number; publishedOn: string | null; problems: string; improvements: string }[] = [
  {
    tenant: 430000,
    code: '430000',
    year: 2014,
    publishedOn: '2015-03-20',
    problems: '部分市州、高校向湖南教育政务网报送信息不及时，政务公开内容保障工作有待加强。',
    improvements: '进一步完善政务公开业务流程和操作规程，加强考核评价和业务培训，推动全省教育政务公开工作落到实处。',
  },
  {
    tenant: 140000,
    code: '140000',
    year: 2017,
    publishedOn: '2018-03-05',
    problems: '仍然缺少专职机构、岗位和人员，缺乏专项经费。多年来一直存在的人手少的问题仍未解决，成为制约进一步提高工作质量和工作效率的主要问题。',
    improvements: '2018年，省教育厅将在继续推动“五公开”的基础上，重点做好政策解读和财务、人事公开等工作，进一步提高政府信息公开工作的标准化、规范化水平。',
  },
  {
    tenant: 420000,
    code: '420900',
    year: 2018,
    publishedOn: null,
    problems:
      '1. 管理水平上有待进一步提高，信息公开的内容有待进一步完善，更新有待进一步加强。\n2. 对政府信息公开的认识还有待加强，信息工作人员的队伍有待进一步加强，工作水平和能力还需要进一步提高。\n3. 信息公开的广度需要进一步加大，便民性信息需要进一步提高。\n4. 信息公开的检查和培训工作存在被动、滞后现象。',
    improvements:
      '1. 加强门户网站建设，优化政府信息公开栏目，推动政府信息公开与网上办事和电子政务工作的结合。\n2. 狠抓学习培训，加强业务学习和检查考核工作。\n3. 创新公开方法，丰富公开形式，拓宽公开渠道。\n4. 立足社会需求，加强政府信息公开力度。',
  },
];

export async function seedDemoInspection(em: EntityManager): Promise<void> {
  const knex = em.getKnex();
  const names = (list: string[]) => `{${list.map((n) => `"${n}"`).join(',')}}`;
  const L = INSPECTION_2019;
  // The units under inspection: the children of the Hunan department.
  const children = `select u.* from org_unit u join org_unit p on p.tenant_id = u.tenant_id and p.id = u.parent_id
                     where u.tenant_id = 430000 and p.code = '430000'`;
  const run = (sql: string, params: Record<string, unknown> = {}) => em.execute(knex.raw(sql, params));

  // 2019 contributions (12 items) and interviews (2) of every unit but those of list 1.
  await run(
    `insert into disclosure_item (tenant_id, id, unit_id, title, category_code, channels, status, published_at, external_id, created_at, updated_at)
     select 430000, cast(md5('hn2019-contrib:' || c.code || ':' || k) as uuid), c.id, c.name || '工作动态 #' || k, 'NEWS', array['DEPARTMENT_PORTAL'],
            'PUBLISHED', make_timestamptz(2019, 1, 15, 10, 0, 0, 'Asia/Shanghai') + k * interval '27 days', 'demo:hn2019-contrib:' || c.code || ':' || k,
            make_timestamptz(2019, 1, 14, 10, 0, 0, 'Asia/Shanghai') + k * interval '27 days', make_timestamptz(2019, 1, 15, 10, 0, 0, 'Asia/Shanghai') + k * interval '27 days'
       from (${children}) c cross join generate_series(0, 11) as k
      where c.name <> all(cast(:none as text[]))
     on conflict do nothing`,
    { none: names(L.noContribution) },
  );
  await run(
    `insert into interaction_event (tenant_id, id, unit_id, kind, channel, subject, received_at, status, created_at, updated_at)
     select 430000, cast(md5('hn2019-interview:' || c.code || ':' || k) as uuid), c.id, 'INTERVIEW', 'PORTAL', c.name || '在线访谈 #' || k,
            make_timestamptz(2019, 4, 10, 10, 0, 0, 'Asia/Shanghai') + k * interval '150 days', 'HELD',
            make_timestamptz(2019, 4, 10, 10, 0, 0, 'Asia/Shanghai') + k * interval '150 days', make_timestamptz(2019, 4, 10, 10, 0, 0, 'Asia/Shanghai') + k * interval '150 days'
       from (${children}) c cross join generate_series(0, 1) as k
      where c.name <> all(cast(:none as text[]))
     on conflict do nothing`,
    { none: names(L.noContribution) },
  );
  // Responsible departments of all but list 2; a contact at the universities and institutions (the
  // cities have their officers already), none for list 2.
  await run(
    `insert into unit_responsibility (tenant_id, unit_id, responsible_department, designated_at)
     select 430000, c.id, '办公室', date '2018-06-01' from (${children}) c where c.name <> all(cast(:none as text[]))
     on conflict do nothing`,
    { none: names(L.noOfficer) },
  );
  await run(
    `insert into officer (tenant_id, id, unit_id, name, role, active, appointed_on)
     select 430000, cast(md5('officer:' || c.code || ':contact') as uuid), c.id, '联络员' || c.code, 'CONTACT', true, date '2018-06-01'
       from (${children}) c where c.level = 'SCHOOL' and c.name <> all(cast(:none as text[]))
     on conflict do nothing`,
    { none: names(L.noOfficer) },
  );
  // A centre at every unit that has none yet (opened in 2019), then every centre of these units gets
  // an online-hall entrance and a check at the end of 2019: reachable, except for list 3.
  await run(
    `insert into centre (tenant_id, id, unit_id, kind, name, opened_on, status, created_at, updated_at)
     select 430000, cast(md5('centre:hn2019:' || c.code) as uuid), c.id, 'CENTER', c.name || '阳光服务中心', date '2019-03-01', 'ACTIVE', now(), now()
       from (${children}) c where not exists (select 1 from centre x where x.tenant_id = 430000 and x.unit_id = c.id)
     on conflict do nothing`,
  );
  await run(
    `insert into centre_check (tenant_id, id, centre_id, checked_at, ok, http_status, note)
     select 430000, cast(md5('check:hn2019:' || x.id) as uuid), x.id, make_timestamptz(2019, 12, 20, 10, 0, 0, 'Asia/Shanghai'),
            c.name <> all(cast(:bad as text[])), case when c.name = any(cast(:bad as text[])) then 404 else 200 end, null
       from centre x join (${children}) c on c.id = x.unit_id and x.tenant_id = 430000
     on conflict do nothing`,
    { bad: names(L.entranceUnreachable) },
  );
  await run(
    `update centre x set online_hall_url = 'https://sunshine.example.edu.cn/' || c.code || '/', check_checked_at = make_timestamptz(2019, 12, 20, 10, 0, 0, 'Asia/Shanghai'),
            check_ok = c.name <> all(cast(:bad as text[])), check_http_status = case when c.name = any(cast(:bad as text[])) then 404 else 200 end
       from (${children}) c where x.tenant_id = 430000 and x.unit_id = c.id`,
    { bad: names(L.entranceUnreachable) },
  );
  // The 2018 annual reports, published in March 2019, except for list 5.
  await run(
    `insert into report_text (tenant_id, unit_id, year, problems, improvements, published_on, updated_by, updated_at)
     select 430000, c.id, 2018, '', '', date '2019-03-28', '示例数据', now() from (${children}) c where c.name <> all(cast(:none as text[]))
     on conflict do nothing`,
    { none: names(L.disclosureLacking) },
  );
  // What the inspectors found and scored by hand (seed 003: 网上监测、网站实时浏览, 专家打分).
  await run(
    `insert into inspection_finding (tenant_id, unit_id, year, problem, note, found_by, found_at)
     select 430000, c.id, 2019, p.problem, p.note, '省教育厅信息中心检查组', make_timestamptz(2020, 3, 10, 10, 0, 0, 'Asia/Shanghai')
       from (${children}) c
       join (select 'WEBSITE_VULNERABILITY' as problem, '网站存在漏洞及暗链、后门等恶意程序' as note, n from unnest(cast(:vulnerable as text[])) n
             union all
             select 'NO_DISCLOSURE_CATALOGUE', '未建设信息公开相关栏目、未公布信息公开目录', n from unnest(cast(:lacking as text[])) n) p on p.n = c.name
     on conflict do nothing`,
    { vulnerable: names(L.websiteVulnerable), lacking: names(L.disclosureLacking) },
  );
  await run(
    `insert into inspection_score (tenant_id, unit_id, year, dimension, score, note, scored_by, scored_at)
     select 430000, c.id, 2019, 'DISCLOSURE', 10, '本单位自建网站公开内容不全，湖南教育政务网内容保障不足', '专家组', make_timestamptz(2020, 3, 12, 10, 0, 0, 'Asia/Shanghai')
       from (${children}) c where c.name <> all(cast(:excellent as text[]))
     on conflict do nothing`,
    { excellent: names(L.excellent) },
  );
  // The free text of the seed reports.
  for (const t of REPORT_TEXTS) {
    await run(
      `insert into report_text (tenant_id, unit_id, year, problems, improvements, published_on, updated_by, updated_at)
       select :tenant, u.id, :year, :problems, :improvements, cast(:published as date), '示例数据', now() from org_unit u where u.tenant_id = :tenant and u.code = :code
       on conflict do nothing`,
      { ...t, published: t.publishedOn },
    );
  }
}
