import { Field, Int, ObjectType } from 'type-graphql';
import { Connection } from '../../pagination';
import { Centre } from './centre.entity';

export const CentreConnection = Connection(Centre, 'Centre');

@ObjectType({ description: 'What `reportCentreCheck` did.' })
export class CentreCheckReport {
  @Field(() => Centre, { description: 'The centre, with its latest check as it now stands.' })
  centre!: Centre;

  @Field({ description: 'false when this centre already had a check at this instant (a retry): nothing was written.' })
  recorded!: boolean;

  @Field({ description: 'Whether this check became the centre’s latest (false when an equal or newer one was stored).' })
  becameLatest!: boolean;
}

@ObjectType({ description: 'What `reportCentreChecks` did (a batch with a bad row fails as a whole: see the bulk contract).' })
export class CentreChecksReport {
  @Field(() => Int, { description: 'Rows received.' })
  received!: number;

  @Field(() => Int, { description: 'History rows written.' })
  recorded!: number;

  @Field(() => Int, { description: 'Valid rows not written because their centre already had a check at that instant (retries, repeats).' })
  duplicates!: number;

  @Field(() => Int, { description: 'Centres whose latest check moved forward.' })
  latestUpdated!: number;
}
