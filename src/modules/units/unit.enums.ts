import { registerEnumType } from 'type-graphql';

/** Administrative level of a unit. A child's level is always strictly below its parent's. */
export enum UnitLevel {
  PROVINCE = 'PROVINCE',
  CITY = 'CITY',
  COUNTY = 'COUNTY',
  SCHOOL = 'SCHOOL',
}

/** Rank of each level, 0 at the top; used for the "child below parent" rule. */
export const LEVEL_RANK: Record<UnitLevel, number> = {
  [UnitLevel.PROVINCE]: 0,
  [UnitLevel.CITY]: 1,
  [UnitLevel.COUNTY]: 2,
  [UnitLevel.SCHOOL]: 3,
};

export enum UnitKind {
  EDUCATION_BUREAU = 'EDUCATION_BUREAU',
  KINDERGARTEN = 'KINDERGARTEN',
  PRIMARY = 'PRIMARY',
  SECONDARY = 'SECONDARY',
  NINE_YEAR = 'NINE_YEAR',
  VOCATIONAL = 'VOCATIONAL',
  SPECIAL_EDUCATION = 'SPECIAL_EDUCATION',
  UNIVERSITY = 'UNIVERSITY',
  AFFILIATED_INSTITUTION = 'AFFILIATED_INSTITUTION',
}

registerEnumType(UnitLevel, {
  name: 'UnitLevel',
  description: 'Province (省) > city (市州) > county (县市区) > school/institution (基层单位).',
  valuesConfig: {
    PROVINCE: { description: 'Provincial education department (省教育厅).' },
    CITY: { description: 'City or prefecture education bureau (市州教育局).' },
    COUNTY: { description: 'County-level education bureau (县市区教育局).' },
    SCHOOL: { description: 'Grassroots unit: a school, university or directly affiliated institution.' },
  },
});

registerEnumType(UnitKind, {
  name: 'UnitKind',
  valuesConfig: {
    EDUCATION_BUREAU: { description: 'Education department or bureau (教育厅/教育局).' },
    KINDERGARTEN: { description: '幼儿园' },
    PRIMARY: { description: '小学' },
    SECONDARY: { description: '中学' },
    NINE_YEAR: { description: '九年一贯制学校' },
    VOCATIONAL: { description: '中等职业学校' },
    SPECIAL_EDUCATION: { description: '特殊教育学校' },
    UNIVERSITY: { description: '高校 (hangs directly under the province)' },
    AFFILIATED_INSTITUTION: { description: '直属单位 (exam authority, research institute, education TV …)' },
  },
});
