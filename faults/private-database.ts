import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The PostgreSQL the tests use (trust auth, user postgres); the suite makes its own database on it. */
const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A database of the suite's own, created at start and dropped at the end. */
export class PrivateDatabase {
  readonly name = `litwatch_faults_${randomBytes(4).toString('hex')}`;

  create(): void {
    execFileSync('psql', [SERVER_URL, '-qXc', `CREATE DATABASE "${this.name}"`], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  drop(): void {
    execFileSync('psql', [SERVER_URL, '-qXc', `DROP DATABASE IF EXISTS "${this.name}" WITH (FORCE)`], { stdio: ['ignore', 'ignore', 'pipe'] });
  }

  /** Its URL, direct or through a proxy listening on `port` (same host). */
  url(port?: number): string {
    const url = new URL(SERVER_URL);
    if (port !== undefined) url.port = String(port);
    url.pathname = `/${this.name}`;
    return url.href;
  }

  get serverPort(): number {
    return Number(new URL(SERVER_URL).port || 5432);
  }
}
