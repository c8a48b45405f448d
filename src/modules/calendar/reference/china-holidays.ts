/**
 * Chinese national public holiday arrangements (国务院办公厅关于XXXX年部分节假日安排的通知),
 * 2014 through 2026 inclusive.
 *
 * Conventions:
 * - `off` is the inclusive range of the contiguous break as actually taken. Where a notice
 *   says "X月X日放假，与周末连休" or "X日放假，Y日（星期一）补休", the adjacent weekend days
 *   that form the break are included in the range (they are non-working days either way, so
 *   this does not change working-day arithmetic).
 * - `workdays` lists the weekend days declared working days (调休上班) for that holiday.
 * - `year` is the year of the notice, so New Year's Day entries may start in December of the
 *   previous year (e.g. 2019 元旦: 2018-12-30 .. 2019-01-01, with 2018-12-29 worked).
 * - When Mid-Autumn falls inside the National Day break, the notice lists both together; this
 *   is represented as a single entry named '国庆节、中秋节' (2017, 2020, 2023, 2025; the 2017 and
 *   2023 notices themselves word it as "中秋节、国庆节").
 *
 * Sources: the annual State Council General Office notices (国办发明电), plus
 * - 2015: the May 2015 State Council notice making 9/3 (抗战胜利70周年纪念日) a day off;
 * - 2019: revised Labour Day arrangement of 2019-03-22 (replaces the original 1-day May 1 break);
 * - 2020: 国办发明电〔2020〕1号 extended Spring Festival to 2020-02-02 (so the originally
 *   scheduled 2020-02-01 Saturday working day was cancelled).
 * - 2025: reform of 《全国年节及纪念日放假办法》 (Spring Festival 4 statutory days, Labour Day 2).
 * - 2026: notice of 2025-11-04 (Spring Festival 9 days, Feb 15–23).
 */
export interface HolidayArrangement {
  year: number;
  name: string;
  nameEn: string;
  /** Inclusive ISO date range of days off. */
  off: [string, string];
  /** ISO dates of weekend days made working days for this holiday (调休). */
  workdays: string[];
}

export const CHINA_HOLIDAYS: HolidayArrangement[] = [
  // ---- 2014 (国办发明电〔2013〕28号) ----
  { year: 2014, name: '元旦', nameEn: "New Year's Day", off: ['2014-01-01', '2014-01-01'], workdays: [] },
  { year: 2014, name: '春节', nameEn: 'Spring Festival', off: ['2014-01-31', '2014-02-06'], workdays: ['2014-01-26', '2014-02-08'] },
  { year: 2014, name: '清明节', nameEn: 'Qingming Festival', off: ['2014-04-05', '2014-04-07'], workdays: [] },
  { year: 2014, name: '劳动节', nameEn: 'Labour Day', off: ['2014-05-01', '2014-05-03'], workdays: ['2014-05-04'] },
  { year: 2014, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2014-05-31', '2014-06-02'], workdays: [] },
  { year: 2014, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2014-09-06', '2014-09-08'], workdays: [] },
  { year: 2014, name: '国庆节', nameEn: 'National Day', off: ['2014-10-01', '2014-10-07'], workdays: ['2014-09-28', '2014-10-11'] },

  // ---- 2015 (国办发明电〔2014〕28号; plus the May 2015 notice on the 9/3 Victory Day) ----
  { year: 2015, name: '元旦', nameEn: "New Year's Day", off: ['2015-01-01', '2015-01-03'], workdays: ['2015-01-04'] },
  { year: 2015, name: '春节', nameEn: 'Spring Festival', off: ['2015-02-18', '2015-02-24'], workdays: ['2015-02-15', '2015-02-28'] },
  { year: 2015, name: '清明节', nameEn: 'Qingming Festival', off: ['2015-04-04', '2015-04-06'], workdays: [] },
  { year: 2015, name: '劳动节', nameEn: 'Labour Day', off: ['2015-05-01', '2015-05-03'], workdays: [] },
  { year: 2015, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2015-06-20', '2015-06-22'], workdays: [] },
  {
    year: 2015,
    name: '中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日',
    nameEn: 'Victory Day (70th Anniversary of the War of Resistance)',
    off: ['2015-09-03', '2015-09-05'],
    workdays: ['2015-09-06'],
  },
  // Notice: "中秋节：9月27日放假" (a Sunday; the notice grants no make-up weekday).
  { year: 2015, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2015-09-26', '2015-09-27'], workdays: [] },
  { year: 2015, name: '国庆节', nameEn: 'National Day', off: ['2015-10-01', '2015-10-07'], workdays: ['2015-10-10'] },

  // ---- 2016 (国办发明电〔2015〕18号) ----
  { year: 2016, name: '元旦', nameEn: "New Year's Day", off: ['2016-01-01', '2016-01-03'], workdays: [] },
  { year: 2016, name: '春节', nameEn: 'Spring Festival', off: ['2016-02-07', '2016-02-13'], workdays: ['2016-02-06', '2016-02-14'] },
  { year: 2016, name: '清明节', nameEn: 'Qingming Festival', off: ['2016-04-02', '2016-04-04'], workdays: [] },
  { year: 2016, name: '劳动节', nameEn: 'Labour Day', off: ['2016-04-30', '2016-05-02'], workdays: [] },
  { year: 2016, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2016-06-09', '2016-06-11'], workdays: ['2016-06-12'] },
  { year: 2016, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2016-09-15', '2016-09-17'], workdays: ['2016-09-18'] },
  { year: 2016, name: '国庆节', nameEn: 'National Day', off: ['2016-10-01', '2016-10-07'], workdays: ['2016-10-08', '2016-10-09'] },

  // ---- 2017 (国办发明电〔2016〕17号) ----
  // Notice: "1月1日放假，1月2日（星期一）补休" (2016-12-31 was a Saturday).
  { year: 2017, name: '元旦', nameEn: "New Year's Day", off: ['2016-12-31', '2017-01-02'], workdays: [] },
  { year: 2017, name: '春节', nameEn: 'Spring Festival', off: ['2017-01-27', '2017-02-02'], workdays: ['2017-01-22', '2017-02-04'] },
  { year: 2017, name: '清明节', nameEn: 'Qingming Festival', off: ['2017-04-02', '2017-04-04'], workdays: ['2017-04-01'] },
  { year: 2017, name: '劳动节', nameEn: 'Labour Day', off: ['2017-04-29', '2017-05-01'], workdays: [] },
  { year: 2017, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2017-05-28', '2017-05-30'], workdays: ['2017-05-27'] },
  { year: 2017, name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn', off: ['2017-10-01', '2017-10-08'], workdays: ['2017-09-30'] },

  // ---- 2018 (国办发明电〔2017〕12号) ----
  { year: 2018, name: '元旦', nameEn: "New Year's Day", off: ['2017-12-30', '2018-01-01'], workdays: [] },
  { year: 2018, name: '春节', nameEn: 'Spring Festival', off: ['2018-02-15', '2018-02-21'], workdays: ['2018-02-11', '2018-02-24'] },
  { year: 2018, name: '清明节', nameEn: 'Qingming Festival', off: ['2018-04-05', '2018-04-07'], workdays: ['2018-04-08'] },
  { year: 2018, name: '劳动节', nameEn: 'Labour Day', off: ['2018-04-29', '2018-05-01'], workdays: ['2018-04-28'] },
  { year: 2018, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2018-06-16', '2018-06-18'], workdays: [] },
  { year: 2018, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2018-09-22', '2018-09-24'], workdays: [] },
  { year: 2018, name: '国庆节', nameEn: 'National Day', off: ['2018-10-01', '2018-10-07'], workdays: ['2018-09-29', '2018-09-30'] },

  // ---- 2019 (国办发明电〔2018〕15号; Labour Day revised 2019-03-22) ----
  { year: 2019, name: '元旦', nameEn: "New Year's Day", off: ['2018-12-30', '2019-01-01'], workdays: ['2018-12-29'] },
  { year: 2019, name: '春节', nameEn: 'Spring Festival', off: ['2019-02-04', '2019-02-10'], workdays: ['2019-02-02', '2019-02-03'] },
  { year: 2019, name: '清明节', nameEn: 'Qingming Festival', off: ['2019-04-05', '2019-04-07'], workdays: [] },
  { year: 2019, name: '劳动节', nameEn: 'Labour Day', off: ['2019-05-01', '2019-05-04'], workdays: ['2019-04-28', '2019-05-05'] },
  { year: 2019, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2019-06-07', '2019-06-09'], workdays: [] },
  { year: 2019, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2019-09-13', '2019-09-15'], workdays: [] },
  { year: 2019, name: '国庆节', nameEn: 'National Day', off: ['2019-10-01', '2019-10-07'], workdays: ['2019-09-29', '2019-10-12'] },

  // ---- 2020 (国办发明电〔2019〕16号; 国办发明电〔2020〕1号) ----
  { year: 2020, name: '元旦', nameEn: "New Year's Day", off: ['2020-01-01', '2020-01-01'], workdays: [] },
  // Originally Jan 24–30 with Jan 19 (Sun) and Feb 1 (Sat) worked; extended to Feb 2 by the
  // State Council (COVID-19), which cancelled the Feb 1 working day.
  { year: 2020, name: '春节', nameEn: 'Spring Festival', off: ['2020-01-24', '2020-02-02'], workdays: ['2020-01-19'] },
  { year: 2020, name: '清明节', nameEn: 'Qingming Festival', off: ['2020-04-04', '2020-04-06'], workdays: [] },
  { year: 2020, name: '劳动节', nameEn: 'Labour Day', off: ['2020-05-01', '2020-05-05'], workdays: ['2020-04-26', '2020-05-09'] },
  { year: 2020, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2020-06-25', '2020-06-27'], workdays: ['2020-06-28'] },
  { year: 2020, name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn', off: ['2020-10-01', '2020-10-08'], workdays: ['2020-09-27', '2020-10-10'] },

  // ---- 2021 (国办发明电〔2020〕27号) ----
  { year: 2021, name: '元旦', nameEn: "New Year's Day", off: ['2021-01-01', '2021-01-03'], workdays: [] },
  { year: 2021, name: '春节', nameEn: 'Spring Festival', off: ['2021-02-11', '2021-02-17'], workdays: ['2021-02-07', '2021-02-20'] },
  { year: 2021, name: '清明节', nameEn: 'Qingming Festival', off: ['2021-04-03', '2021-04-05'], workdays: [] },
  { year: 2021, name: '劳动节', nameEn: 'Labour Day', off: ['2021-05-01', '2021-05-05'], workdays: ['2021-04-25', '2021-05-08'] },
  { year: 2021, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2021-06-12', '2021-06-14'], workdays: [] },
  { year: 2021, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2021-09-19', '2021-09-21'], workdays: ['2021-09-18'] },
  { year: 2021, name: '国庆节', nameEn: 'National Day', off: ['2021-10-01', '2021-10-07'], workdays: ['2021-09-26', '2021-10-09'] },

  // ---- 2022 (国办发明电〔2021〕11号) ----
  { year: 2022, name: '元旦', nameEn: "New Year's Day", off: ['2022-01-01', '2022-01-03'], workdays: [] },
  { year: 2022, name: '春节', nameEn: 'Spring Festival', off: ['2022-01-31', '2022-02-06'], workdays: ['2022-01-29', '2022-01-30'] },
  { year: 2022, name: '清明节', nameEn: 'Qingming Festival', off: ['2022-04-03', '2022-04-05'], workdays: ['2022-04-02'] },
  { year: 2022, name: '劳动节', nameEn: 'Labour Day', off: ['2022-04-30', '2022-05-04'], workdays: ['2022-04-24', '2022-05-07'] },
  { year: 2022, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2022-06-03', '2022-06-05'], workdays: [] },
  { year: 2022, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2022-09-10', '2022-09-12'], workdays: [] },
  { year: 2022, name: '国庆节', nameEn: 'National Day', off: ['2022-10-01', '2022-10-07'], workdays: ['2022-10-08', '2022-10-09'] },

  // ---- 2023 (国办发明电〔2022〕16号) ----
  { year: 2023, name: '元旦', nameEn: "New Year's Day", off: ['2022-12-31', '2023-01-02'], workdays: [] },
  { year: 2023, name: '春节', nameEn: 'Spring Festival', off: ['2023-01-21', '2023-01-27'], workdays: ['2023-01-28', '2023-01-29'] },
  { year: 2023, name: '清明节', nameEn: 'Qingming Festival', off: ['2023-04-05', '2023-04-05'], workdays: [] },
  { year: 2023, name: '劳动节', nameEn: 'Labour Day', off: ['2023-04-29', '2023-05-03'], workdays: ['2023-04-23', '2023-05-06'] },
  { year: 2023, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2023-06-22', '2023-06-24'], workdays: ['2023-06-25'] },
  { year: 2023, name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn', off: ['2023-09-29', '2023-10-06'], workdays: ['2023-10-07', '2023-10-08'] },

  // ---- 2024 (国办发明电〔2023〕7号) ----
  { year: 2024, name: '元旦', nameEn: "New Year's Day", off: ['2023-12-30', '2024-01-01'], workdays: [] },
  { year: 2024, name: '春节', nameEn: 'Spring Festival', off: ['2024-02-10', '2024-02-17'], workdays: ['2024-02-04', '2024-02-18'] },
  { year: 2024, name: '清明节', nameEn: 'Qingming Festival', off: ['2024-04-04', '2024-04-06'], workdays: ['2024-04-07'] },
  { year: 2024, name: '劳动节', nameEn: 'Labour Day', off: ['2024-05-01', '2024-05-05'], workdays: ['2024-04-28', '2024-05-11'] },
  { year: 2024, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2024-06-08', '2024-06-10'], workdays: [] },
  { year: 2024, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2024-09-15', '2024-09-17'], workdays: ['2024-09-14'] },
  { year: 2024, name: '国庆节', nameEn: 'National Day', off: ['2024-10-01', '2024-10-07'], workdays: ['2024-09-29', '2024-10-12'] },

  // ---- 2025 (国办发明电〔2024〕12号; first year under the amended 放假办法) ----
  { year: 2025, name: '元旦', nameEn: "New Year's Day", off: ['2025-01-01', '2025-01-01'], workdays: [] },
  { year: 2025, name: '春节', nameEn: 'Spring Festival', off: ['2025-01-28', '2025-02-04'], workdays: ['2025-01-26', '2025-02-08'] },
  { year: 2025, name: '清明节', nameEn: 'Qingming Festival', off: ['2025-04-04', '2025-04-06'], workdays: [] },
  { year: 2025, name: '劳动节', nameEn: 'Labour Day', off: ['2025-05-01', '2025-05-05'], workdays: ['2025-04-27'] },
  { year: 2025, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2025-05-31', '2025-06-02'], workdays: [] },
  { year: 2025, name: '国庆节、中秋节', nameEn: 'National Day and Mid-Autumn', off: ['2025-10-01', '2025-10-08'], workdays: ['2025-09-28', '2025-10-11'] },

  // ---- 2026 (notice dated 2025-11-04, as published by Xinhua) ----
  { year: 2026, name: '元旦', nameEn: "New Year's Day", off: ['2026-01-01', '2026-01-03'], workdays: ['2026-01-04'] },
  { year: 2026, name: '春节', nameEn: 'Spring Festival', off: ['2026-02-15', '2026-02-23'], workdays: ['2026-02-14', '2026-02-28'] },
  { year: 2026, name: '清明节', nameEn: 'Qingming Festival', off: ['2026-04-04', '2026-04-06'], workdays: [] },
  { year: 2026, name: '劳动节', nameEn: 'Labour Day', off: ['2026-05-01', '2026-05-05'], workdays: ['2026-05-09'] },
  { year: 2026, name: '端午节', nameEn: 'Dragon Boat Festival', off: ['2026-06-19', '2026-06-21'], workdays: [] },
  { year: 2026, name: '中秋节', nameEn: 'Mid-Autumn Festival', off: ['2026-09-25', '2026-09-27'], workdays: [] },
  { year: 2026, name: '国庆节', nameEn: 'National Day', off: ['2026-10-01', '2026-10-07'], workdays: ['2026-09-20', '2026-10-10'] },
];
