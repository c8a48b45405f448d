import { byIdLoader } from '../../loaders';
import { InteractionEvent } from './interaction-event.entity';
import { InteractionRepository } from './interaction.repository';

/** The per-request DataLoaders of the interactions module. */
export function createInteractionLoaders(repo: InteractionRepository) {
  return {
    byId: byIdLoader<InteractionEvent>((ids) => repo.findByIds(ids), (e) => e.id),
  };
}

export type InteractionLoaders = ReturnType<typeof createInteractionLoaders>;
