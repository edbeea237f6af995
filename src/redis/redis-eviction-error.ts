/** A Redis that may evict keys would drop queued jobs: refused at start, with how to fix it (dependency-free for the CLI's error handler). */
export class RedisEvictionError extends Error {
  constructor(where: string, policy: string) {
    super(
      `Redis at ${where} has maxmemory-policy ${policy}: BullMQ needs noeviction, or queued jobs vanish under memory pressure. Set it with \`redis-cli CONFIG SET maxmemory-policy noeviction\` and \`maxmemory-policy noeviction\` in redis.conf (docker compose does this already).`,
    );
    this.name = 'RedisEvictionError';
  }
}
