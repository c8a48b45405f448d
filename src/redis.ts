import { createClient, RedisClientType } from '@redis/client';
import type { Logger } from './logger';

export type Redis = RedisClientType<{}, {}, {}, 2, {}>; // eslint-disable-line @typescript-eslint/no-empty-object-type

/**
 * The one Redis connection of a process (`REDIS_URL`), shared by everything that must agree across
 * API instances: the rate limits, the writers' read-your-writes positions (src/db/replica.ts), and
 * the response cache. It reconnects by itself; while it is away, each user falls back to what the
 * process knows alone (see each one), so Redis is never a reason for a request to fail.
 */
export async function openRedis(url: string | undefined, logger: Logger): Promise<Redis | null> {
  if (!url) return null;
  let lastWarning = 0;
  const client = createClient({
    url,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5_000) },
    // Commands fail at once while disconnected instead of queueing behind a reconnect.
    disableOfflineQueue: true,
  });
  client.on('error', (err: Error) => {
    // One line per 30 s at most while Redis is away.
    if (Date.now() - lastWarning > 30_000) {
      lastWarning = Date.now();
      logger.warn({ err: err.message }, 'redis unavailable: falling back to per-process state');
    }
  });
  client.on('ready', () => logger.info('redis connected'));
  // node-redis keeps reconnecting by itself; the start waits for it a moment, never for ever.
  const connecting = client.connect().then(
    () => true,
    () => false,
  );
  let timer: NodeJS.Timeout | undefined;
  const connected = await Promise.race([connecting, new Promise<boolean>((r) => (timer = setTimeout(() => r(false), 2_000)))]);
  clearTimeout(timer);
  if (!connected) logger.warn('redis not reachable at start: falling back to per-process state until it is');
  return client;
}

export async function closeRedis(client: Redis | null): Promise<void> {
  if (!client) return;
  try {
    if (client.isOpen) await client.quit();
  } catch {
    client.destroy();
  }
}
