import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

/** Where tests find Redis: scripts/ensure-redis.sh finds or starts it on loopback. */
export const TEST_REDIS_URL = process.env.OPENFRAMER_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A BullMQ key prefix of its own, so test files sharing one Redis never see each other's queues. */
export const uniqueRedisPrefix = (label: string) => `oftest-${label}-${randomBytes(4).toString('hex')}`;

/** Fails with a useful message when Redis is not there. */
export async function checkRedis(): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, {
    maxRetriesPerRequest: 1,
    lazyConnect: true,
    retryStrategy: () => null,
  });
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    throw new Error(
      `Redis is not reachable at ${TEST_REDIS_URL} (${(err as Error).message}); run scripts/ensure-redis.sh or set OPENFRAMER_TEST_REDIS_URL`,
    );
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under `prefix:` (what a test file's queues left behind). */
export async function deleteRedisPrefix(prefix: string): Promise<void> {
  const client = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) await client.del(...keys);
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
}
