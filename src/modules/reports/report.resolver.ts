import { Arg, Args, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { RequestContext } from '../../context';
import { ReportText } from './report-text.entity';
import { ReportService } from './report.service';
import { AnnualReport, AnnualReportArgs, SaveReportTextInput } from './report.types';

@Resolver()
export class ReportResolver {
  @Query(() => AnnualReport, {
    description:
      'The statutory annual disclosure report of a unit for a year, each figure beside the previous year’s, read from the rollups. Also at GET /reports/<unit code>/<year>.md and .html.',
  })
  annualReport(@Args() args: AnnualReportArgs, @Ctx() ctx: RequestContext): Promise<AnnualReport> {
    return ReportService.annualReport(ctx, args.unitId, args.year);
  }

  @Mutation(() => ReportText, { description: 'Writes the free-text sections of a unit’s annual report (and when it was published); records who wrote them.' })
  saveReportText(@Arg('input', () => SaveReportTextInput) input: SaveReportTextInput, @Ctx() ctx: RequestContext): Promise<ReportText> {
    return ReportService.saveText(ctx, input);
  }
}
