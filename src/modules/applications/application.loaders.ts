import { byIdLoader } from '../../loaders';
import { ApplicationRepository } from './application.repository';
import { DisclosureApplication } from './disclosure-application.entity';
import { DisclosureDispute } from './disclosure-dispute.entity';

/** The per-request DataLoaders of the applications module. */
export function createApplicationLoaders(repo: ApplicationRepository) {
  return {
    byId: byIdLoader<DisclosureApplication>((ids) => repo.findApplicationsByIds(ids), (a) => a.id),
    disputeById: byIdLoader<DisclosureDispute>((ids) => repo.findDisputesByIds(ids), (d) => d.id),
  };
}

export type ApplicationLoaders = ReturnType<typeof createApplicationLoaders>;
