import { byIdLoader } from '../../loaders';
import type { ReportText } from './report-text.entity';
import { ReportRepository, reportTextKeyId } from './report.repository';

/** Per-request loaders of the reports module: report texts by `${tenantId}:${unitId}:${year}`. */
export function createReportLoaders(repo: ReportRepository) {
  return {
    text: byIdLoader<ReportText>(
      (ids) =>
        repo.textsByKeys(
          ids.map((id) => {
            const [tenantId, unitId, year] = id.split(':');
            return { tenantId: Number(tenantId), unitId, year: Number(year) };
          }),
        ),
      (t) => reportTextKeyId(t),
    ),
  };
}

export type ReportLoaders = ReturnType<typeof createReportLoaders>;
