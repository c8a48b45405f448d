import { validateSync } from 'class-validator';
import type { RequestContext } from '../../context';
import { BadInputError } from '../../errors';
import { RowErrors } from '../ingest/row-errors';
import { UUID_RE } from '../units/unit.repository';
import { CentreCheckInput } from './centre.inputs';
import { CentreRepository } from './centre.repository';
import { checkRow, inFuture } from './centre.service';
import { CentreChecksReport } from './centre.types';

/** Largest batch `reportCentreChecks` takes. */
export const MAX_CHECKS_PER_REPORT = 5_000;

/** Every class-validator violation of a row, one per field. */
function rowViolations(row: object): { field: string; message: string }[] {
  return validateSync(row, { forbidUnknownValues: false, skipMissingProperties: true, stopAtFirstError: true }).map((v) => ({
    field: v.property,
    message: String(Object.values(v.constraints ?? {})[0] ?? 'invalid value'),
  }));
}

/**
 * A batch of checks, under the bulk contract (docs/integrators.md): every row is checked, any bad
 * row fails the call with every problem listed and nothing is written. Otherwise the batch is
 * written in one transaction, with the centres it names locked against deletion between the check
 * and the write.
 */
export async function reportCentreChecks(ctx: RequestContext, tenant: string | null | undefined, checks: CentreCheckInput[]): Promise<CentreChecksReport> {
  if (checks.length > MAX_CHECKS_PER_REPORT) {
    throw new BadInputError(`\`checks\` may hold at most ${MAX_CHECKS_PER_REPORT} rows; split the batch.`, 'checks', { max: MAX_CHECKS_PER_REPORT });
  }
  const t = await ctx.writeTenant(tenant, 'tenant');
  const errors = new RowErrors('checks');
  checks.forEach((row, index) => {
    for (const v of rowViolations(row)) errors.add(index, v.field, v.message);
    if (errors.has(index)) return;
    if (!UUID_RE.test(row.centreId)) errors.add(index, 'centreId', 'centreId is not a valid centre id');
    if (inFuture(row.checkedAt)) errors.add(index, 'checkedAt', 'checkedAt must not be in the future');
  });
  const rows = checks.map(checkRow);
  const candidates = rows.map((_, i) => i).filter((i) => !errors.has(i));
  return ctx.em.transactional(async (tx) => {
    const repo = new CentreRepository(tx, ctx.scope);
    const known = await repo.existing(t.id, candidates.map((i) => rows[i].centreId), { lock: true });
    for (const i of candidates) {
      if (!known.has(rows[i].centreId)) errors.add(i, 'centreId', `no centre ${checks[i].centreId} in ${ctx.writeArea()}`);
    }
    errors.throwIfAny();
    const result = await repo.recordChecks(t.id, rows);
    return { received: checks.length, recorded: result.recorded, duplicates: rows.length - result.recorded, latestUpdated: result.latestUpdated };
  });
}
