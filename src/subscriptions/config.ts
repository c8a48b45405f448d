export interface SubscriptionConfig {
  /** At most one message per subscription per this many ms (SUBSCRIPTION_INTERVAL_MS); changes in between are coalesced. */
  intervalMs: number;
  /** Active subscriptions one graphql-ws connection may hold (MAX_SUBSCRIPTIONS_PER_CONNECTION). */
  perConnection: number;
  /** Active subscriptions one caller (a staff member, a key, or a client address for the public) may hold over all its connections (MAX_SUBSCRIPTIONS_PER_CALLER). */
  perCaller: number;
  /** How often the credentials of open connections are checked again (SUBSCRIPTION_RECHECK_MS): a revoked key's connections close. */
  recheckMs: number;
}
