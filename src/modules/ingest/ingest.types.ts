import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'One invalid row of a bulk ingest: nothing of the batch was written.' })
export class IngestRowError {
  @Field(() => Int, { description: 'Index of the row in the input list (0-based).' })
  index!: number;

  @Field({ description: 'The offending field of the row, e.g. `receivedAt`.' })
  field!: string;

  @Field()
  message!: string;
}
