import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { PROJECT_ROOT } from '../helpers/cli.ts';

/** No Docker engine runs here: the compose file and Dockerfile are checked by reading them. */
interface Service {
  image?: string;
  build?: string;
  command?: string[];
  volumes?: string[];
  ports?: string[];
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  stop_grace_period?: string;
}

const compose = parse(readFileSync(path.join(PROJECT_ROOT, 'docker-compose.yml'), 'utf8')) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const dockerfile = readFileSync(path.join(PROJECT_ROOT, 'Dockerfile'), 'utf8');
const { postgres, redis, mailpit, app } = compose.services as Record<'postgres' | 'redis' | 'mailpit' | 'app', Service>;

describe('the compose stack', () => {
  test('Redis never evicts (a queued job must not vanish) and keeps an append-only file on a volume', () => {
    const command = redis.command?.join(' ') ?? '';
    assert.match(command, /--maxmemory-policy noeviction/);
    assert.match(command, /--appendonly yes/);
    const [volume, mount] = (redis.volumes?.[0] ?? '').split(':');
    assert.equal(mount, '/data');
    assert.ok(volume && volume in compose.volumes, 'a named volume');
  });

  test('PostgreSQL keeps its data on a named volume and the app uses it by service name', () => {
    assert.match(postgres.image ?? '', /^postgres:(1[4-9]|[2-9]\d)/);
    const [volume, mount] = (postgres.volumes?.[0] ?? '').split(':');
    assert.equal(mount, '/var/lib/postgresql/data');
    assert.ok(volume && volume in compose.volumes, 'a named volume');
    assert.match(postgres.healthcheck?.test.join(' ') ?? '', /pg_isready/);
    assert.match(app.environment?.DATABASE_URL ?? '', /^postgres:\/\/litwatch:\$\{POSTGRES_PASSWORD:-\}@postgres:5432\/litwatch$/);
  });

  test('Mailpit catches the mail, with its web UI published, and is the default SMTP', () => {
    assert.match(mailpit.image ?? '', /^axllent\/mailpit/);
    assert.ok(mailpit.ports?.some((p) => p.startsWith('8025:8025')));
    assert.equal(app.environment?.SMTP_URL, '${SMTP_URL:-smtp://mailpit:1025}');
  });

  test('every service has a health check, and the app waits for healthy PostgreSQL, Redis and Mailpit', () => {
    for (const [name, service] of Object.entries({ postgres, redis, mailpit, app })) assert.ok(service.healthcheck?.test.length, `${name} health check`);
    assert.match(app.healthcheck!.test.join(' '), /\/healthz/);
    assert.deepEqual(app.depends_on, {
      postgres: { condition: 'service_healthy' },
      redis: { condition: 'service_healthy' },
      mailpit: { condition: 'service_healthy' },
    });
  });

  test('the app is built here, reaches Redis by service name and has time to stop gracefully', () => {
    assert.equal(app.build, '.');
    assert.equal(app.environment?.REDIS_URL, 'redis://redis:6379');
    assert.ok(parseInt(app.stop_grace_period ?? '0', 10) >= 30);
  });

  test('the app listens on every interface of its container (litwatch alone listens on 127.0.0.1)', () => {
    assert.equal(app.environment?.HOST, '0.0.0.0');
    assert.ok(app.ports?.some((p) => p.startsWith('3000:3000')));
  });

  test('no secret is written in the compose file: they come from the environment', () => {
    assert.equal(postgres.environment?.POSTGRES_PASSWORD, '${POSTGRES_PASSWORD:-}');
    for (const name of ['NCBI_API_KEY', 'LITWATCH_SECRET', 'DASHBOARD_PASSWORD']) assert.match(app.environment?.[name] ?? '', /^\$\{[A-Z_]+:-\}$/, name);
  });
});

describe('the app image', () => {
  test('installs production dependencies only, from the lock file', () => {
    assert.match(dockerfile, /npm ci --omit=dev/);
    assert.match(dockerfile, /COPY package\.json package-lock\.json/);
  });

  test('runs as a non-root user', () => {
    const users = [...dockerfile.matchAll(/^USER (\S+)/gm)].map((m) => m[1]);
    assert.ok(users.length > 0 && users.at(-1) !== 'root', `last USER is ${users.at(-1)}`);
  });

  test('starts litwatch on Node 20', () => {
    assert.match(dockerfile, /^FROM node:20/m);
    assert.match(dockerfile, /CMD \["node", "bin\/litwatch\.js", "start"\]/);
  });
});
