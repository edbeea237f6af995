/** No Redis to use and none to start: the message says how to get one (kept dependency-free for the CLI's error handler). */
export class RedisUnavailableError extends Error {
  constructor(port: number) {
    super(
      `No Redis answers at 127.0.0.1:${port} and redis-server is not installed: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), run \`docker compose up -d redis\`, or set REDIS_URL.`,
    );
    this.name = 'RedisUnavailableError';
  }
}
