import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { Redis } from 'ioredis';
import type { Services } from '../../src/services.ts';
import { checkHealthWithin, healthRouter } from '../../src/web/health-routes.ts';
import { metricsRouter } from '../../src/web/metrics.ts';
import { listen } from '../../src/web/web-server.ts';
import { migratedOnFirstUse, type MigratedDatabase } from '../../src/store/db/open-database.ts';
import { openPostgres } from '../../src/store/db/postgres-database.ts';
import { SystemStore } from '../../src/store/system-store.ts';
import { deletePrefix, testConfig, testDatabase, testPrefix, testServices } from '../helpers/test-services.ts';

describe('when Redis does not answer', () => {
  const prefix = testPrefix('admin-down');
  let services: Services;
  let unreachable: Redis;
  let db: MigratedDatabase;
  let server: Server;
  let base = '';

  before(async () => {
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([]) });
    // Never connected: like the app's connection while Redis is down.
    unreachable = new Redis({ port: 1, lazyConnect: true });
    db = testDatabase(prefix);
    const app = express();
    const down: Services = { ...services, system: new SystemStore(db, unreachable) };
    app.use(healthRouter(down), metricsRouter(down));
    server = await listen(app, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    unreachable.disconnect();
    await db.close();
    await services.close();
    await deletePrefix(prefix);
  });

  test('/healthz answers 503 at once, with a short JSON reason', async () => {
    const started = Date.now();
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'down', redis: 'unreachable', reason: 'Redis did not answer PING within 1000 ms' });
    assert.ok(Date.now() - started < 1000);
  });

  test('/metrics answers 503 rather than stale or partial numbers', async () => {
    const response = await fetch(`${base}/metrics`);
    assert.equal(response.status, 503);
    assert.match(await response.text(), /Redis did not answer/);
  });
});

describe('when the database does not answer', () => {
  const prefix = testPrefix('db-down');
  let services: Services;
  let unreachable: MigratedDatabase;
  let server: Server;
  let base = '';

  before(async () => {
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([]) });
    // Nothing listens on port 1: like a database server that is down.
    unreachable = migratedOnFirstUse(openPostgres('postgres://postgres@127.0.0.1:1/litwatch'));
    const app = express();
    app.use(healthRouter({ ...services, system: new SystemStore(unreachable, services.queueConnection) }));
    server = await listen(app, 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await unreachable.close();
    await services.close();
    await deletePrefix(prefix);
  });

  test('/healthz answers 503 with a short JSON reason', async () => {
    const response = await fetch(`${base}/healthz`);
    assert.equal(response.status, 503);
    assert.deepEqual(await response.json(), { status: 'down', redis: 'ok', database: 'unreachable', reason: 'the database did not answer within 1000 ms' });
  });
});

describe('health checks that cannot finish', () => {
  const prefix = testPrefix('admin-slow');
  let services: Services;

  before(() => {
    services = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([]) });
  });

  after(async () => {
    await services.close();
    await deletePrefix(prefix);
  });

  test('a check that hangs gives a failing health.unchecked check after the timeout, not a hung request', async () => {
    const metrics = Object.assign(Object.create(services.metrics) as Services['metrics'], { ncbiErrorStreak: () => new Promise<number>(() => {}) });
    const report = await checkHealthWithin({ ...services, metrics }, 50);
    assert.equal(report.status, 'degraded');
    assert.deepEqual(report.checks, [{ event: 'health.unchecked', ok: false, detail: 'the health checks did not finish within 50 ms' }]);
  });

  test('a check that throws gives a failing health.unchecked check with the error', async () => {
    const broken: Services = {
      ...services,
      config: () => {
        throw new Error('no config');
      },
    };
    const report = await checkHealthWithin(broken);
    assert.deepEqual(report.checks, [{ event: 'health.unchecked', ok: false, detail: 'the health checks failed: no config' }]);
  });
});
