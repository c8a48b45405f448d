import { Field, ID, Int, ObjectType } from 'type-graphql';

@ObjectType({
  description:
    'Result of ingestInteractions. A retry with the same key and rows answers the first result again with replayed: true and writes nothing.',
})
export class IngestInteractionsResult {
  @Field(() => Int, { description: 'Rows stored by the first call under this key (a batch is written whole or not at all).' })
  accepted!: number;

  @Field(() => Int, { description: 'Rows not stored because their unit already had an event with their externalId (left unchanged).' })
  duplicates!: number;

  @Field({ description: 'true when this answer is the stored result of an earlier call with the same key and rows.' })
  replayed!: boolean;

  @Field(() => [ID], { description: 'Ids of the events, in the order of the input rows; for a duplicate row, the id of the event already stored.' })
  ids!: string[];
}
