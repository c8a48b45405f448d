import { parse } from 'csv-parse/sync';
import { BadInputError } from '../../errors';

/** One data record of a CSV file: its cells by column name (empty cells left out) and its first line. */
export interface CsvRecord {
  line: number;
  cells: Record<string, string>;
}

/**
 * Parses a CSV file with a header row (UTF-8, with or without BOM; comma-separated; quotes as in
 * RFC 4180, so a cell may hold commas and line breaks). Column names are checked against `columns`
 * (an unknown one is refused, so a typo is not silently ignored) and `required`. Cells are trimmed;
 * an empty cell counts as absent.
 */
export function parseCsv(text: string, columns: readonly string[], required: readonly string[], maxRows: number): CsvRecord[] {
  let rows: { record: string[]; info: { lines: number } }[];
  try {
    rows = parse(text, { bom: true, trim: true, skip_empty_lines: true, relax_column_count: false, info: true, max_record_size: 1_000_000 }) as never;
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    throw new BadInputError(`The file is not valid CSV${e.lines ? ` (line ${e.lines})` : ''}: ${String(e.message ?? '').slice(0, 200)}`, 'body', { reason: 'CSV_MALFORMED' });
  }
  if (rows.length === 0) throw new BadInputError('The file is empty: the first line names the columns.', 'body', { reason: 'CSV_MALFORMED' });
  const header = rows[0].record;
  const known = new Set(columns);
  const unknown = header.filter((h) => !known.has(h));
  if (unknown.length) {
    throw new BadInputError(`Unknown column(s) ${unknown.map((h) => `"${h.slice(0, 40)}"`).join(', ')}; the columns are ${columns.join(', ')}.`, 'body', { reason: 'CSV_UNKNOWN_COLUMN' });
  }
  const repeated = header.filter((h, i) => header.indexOf(h) !== i);
  if (repeated.length) throw new BadInputError(`Column "${repeated[0]}" appears twice.`, 'body', { reason: 'CSV_MALFORMED' });
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) throw new BadInputError(`Missing column(s) ${missing.join(', ')}.`, 'body', { reason: 'CSV_MISSING_COLUMN' });
  if (rows.length - 1 > maxRows) {
    throw new BadInputError(`At most ${maxRows} rows per file; got ${rows.length - 1}. Split the file.`, 'body', { max: maxRows });
  }
  return rows.slice(1).map(({ record, info }) => {
    const cells: Record<string, string> = {};
    header.forEach((h, i) => {
      if (record[i] !== undefined && record[i] !== '') cells[h] = record[i];
    });
    return { line: info.lines, cells };
  });
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/**
 * An instant from a cell: RFC 3339 (`2024-03-01T09:30:00+08:00`, `…Z`), or a spreadsheet's
 * `2024-03-01 09:30[:00]` / `2024-03-01`, read in Asia/Shanghai when it names no offset. Anything
 * else is an invalid date (the row check reports it).
 */
export function parseInstant(s: string | undefined): Date | undefined {
  if (s === undefined) return undefined;
  const m = INSTANT.exec(s);
  if (!m) return new Date(NaN);
  const [, y, mo, d, h = '00', mi = '00', sec = '00', frac = '', zone = '+08:00'] = m;
  // Date would roll 2024-02-31 over into March: out-of-range parts are refused instead.
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > new Date(Date.UTC(Number(y), Number(mo), 0)).getUTCDate()) return new Date(NaN);
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return new Date(NaN);
  return new Date(`${y}-${mo}-${d}T${h}:${mi}:${sec}${frac}${zone}`);
}
