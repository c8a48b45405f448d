/** The response cache's configuration (src/config.ts reads it from the environment). */
export interface CacheConfig {
  /** Serve queries from the response cache (RESPONSE_CACHE). */
  enabled: boolean;
  /** Longest life of a cached answer, and of a strong ETag, in seconds (CACHE_TTL_SECONDS): bounds how old "now" may be in figures like "overdue now". */
  ttlSeconds: number;
  /** `Cache-Control: public, max-age=…` of public answers (CACHE_MAX_AGE). */
  maxAgeSeconds: number;
  /** Entries kept in process (CACHE_MAX_ENTRIES), when there is no Redis. */
  maxEntries: number;
  /** Redis URL (REDIS_URL): the cache's storage, shared by every API process. */
  redisUrl?: string;
  /** Namespace of the cache's Redis keys (REDIS_KEY_PREFIX + 'gql'). */
  redisNamespace?: string;
}
