import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import { createLogger } from '../../src/log.ts';
import type { Services } from '../../src/services.ts';
import { adminAccess } from '../../src/web/admin/admin-auth.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

async function serve(app: express.Express): Promise<{ server: Server; base: string }> {
  const server = await listen(app, 0);
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

function stop(server: Server): void {
  server.closeAllConnections();
  server.close();
}

describe('without dashboard credentials', () => {
  const prefix = testPrefix('admin-off');
  const lines: { event?: string; msg?: string }[] = [];
  let services: Services;
  let server: Server;
  let base = '';

  before(async () => {
    const built = testServices({ prefix, eutilsUrl: 'http://127.0.0.1:9/entrez/eutils', config: testConfig([{ id: 'bone', query: 'bone' }]) });
    const destination = new Writable({ write: (chunk, _encoding, done) => done(void lines.push(JSON.parse(String(chunk)))) });
    services = { ...built, log: createLogger({ level: 'info', destination }) };
    ({ server, base } = await serve(createWebServer(services)));
  });

  after(async () => {
    stop(server);
    await services.close();
    await deletePrefix(prefix);
  });

  test('the admin routes are not mounted: they answer 404 and ask for no credentials', async () => {
    for (const path of ['/admin', '/admin/subscribers', '/admin/cards', '/admin/queues', '/admin/queues/api/queues']) {
      const response = await fetch(`${base}${path}`);
      assert.equal(response.status, 404, path);
      assert.equal(response.headers.get('www-authenticate'), null, path);
    }
  });

  test('createWebServer logs once that the admin pages are off, and why', () => {
    const disabled = lines.filter((line) => line.event === 'admin.disabled');
    assert.equal(disabled.length, 1);
    assert.match(disabled[0]?.msg ?? '', /admin pages are off: DASHBOARD_USER and DASHBOARD_PASSWORD not set/);
  });

  test('/healthz and /metrics are served all the same', async () => {
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
  });
});

test('adminAccess names the one variable missing when only one is set, for the CLI to print', () => {
  const access = adminAccess({ DASHBOARD_USER: 'curator', DASHBOARD_PASSWORD: undefined });
  assert.equal(access.enabled, false);
  assert.match(access.enabled ? '' : access.reason, /^DASHBOARD_PASSWORD not set/);
  assert.deepEqual(adminAccess({ DASHBOARD_USER: 'curator', DASHBOARD_PASSWORD: 'long enough password' }), {
    enabled: true,
    credentials: { user: 'curator', password: 'long enough password' },
  });
});
