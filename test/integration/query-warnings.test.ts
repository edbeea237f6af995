import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as pollWatch from '../../jobs/poll-watch.ts';
import { openQueueEvents, type OpenQueueEvents } from '../../src/queue/queue-events.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { createWebServer, listen } from '../../src/web/web-server.ts';
import { cliEnv, configDir, runCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { captureLogs, deletePrefix, ncbiEnv, REDIS_URL, REFERENCE_DAY, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';
import { PATIENCE_MS } from '../helpers/until.ts';

const UNKNOWN = 'osteotropismus';
const QUERY = `"bone metastas*"[tiab] AND ${UNKNOWN}[tiab]`;
const CLEAN = '"bone metastas*"[tiab]';
const SENTENCE = `"${UNKNOWN}" is not known to PubMed (dropped from the search)`;
const AUTH = `Basic ${Buffer.from('admin:secret-password').toString('base64')}`;

describe('a query PubMed does not search as written is reported everywhere', () => {
  const prefix = testPrefix('query-warn');
  const captured = captureLogs();
  let ncbi: FakeNcbi;
  let services: Services;
  let workers: Worker[];
  let events: OpenQueueEvents;
  let server: Server;
  let base = '';

  before(async () => {
    ncbi = await new FakeNcbi().start();
    const today = REFERENCE_DAY.toISOString().slice(0, 10).replaceAll('-', '/');
    ncbi.addRecords([
      { pmid: '41000701', edat: '2026/11/25', xml: pubmedArticleXml({ pmid: '41000701', doi: '10.1000/warn.701', title: 'Bone metastasis in renal cancer' }) },
      { pmid: '41000702', edat: today, xml: pubmedArticleXml({ pmid: '41000702', title: 'Bone metastasis today' }) },
    ]);
    for (const term of [QUERY, CLEAN]) ncbi.setQuery(term, ['41000701', '41000702']);
    // PubMed knows no such word: it drops it and says so in errorlist.phrasesnotfound.
    ncbi.declareUnknown('phrasesnotfound', UNKNOWN);
    services = testServices({
      prefix,
      eutilsUrl: ncbi.url,
      config: testConfig([{ id: 'bone', name: 'Bone', query: QUERY }]),
      log: captured.log,
      env: { DASHBOARD_USER: 'admin', DASHBOARD_PASSWORD: 'secret-password' },
    });
    workers = startWorkers(services, { queues: ['poll', 'fetch'] });
    events = await openQueueEvents(services, 'poll');
    server = await listen(createWebServer(services), 0);
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    server.closeAllConnections();
    server.close();
    await closeWorkers(workers);
    await events.close();
    await services.close();
    await ncbi.close();
    await deletePrefix(prefix);
  });

  async function poll(): Promise<pollWatch.PollSummary> {
    const job = await services.queues.poll.add(pollWatch.name, { watchId: 'bone' }, { jobId: `poll-bone-${Date.now()}` });
    return (await job.waitUntilFinished(events.events, PATIENCE_MS)) as pollWatch.PollSummary;
  }

  async function healthz(): Promise<{ event: string; subject?: string; detail: string }[]> {
    return ((await (await fetch(`${base}/healthz`)).json()) as { checks: { event: string; subject?: string; detail: string }[] }).checks;
  }

  test('the poll logs watch.query_warning naming the phrase and its kind', async () => {
    await poll();
    const lines = captured.lines.filter((line) => line.event === 'watch.query_warning');
    assert.equal(lines.length, 1, 'one line per warning, not one per window');
    assert.deepEqual([lines[0]!.kind, lines[0]!.phrase, lines[0]!.source, lines[0]!.watchId], ['phraseNotFound', UNKNOWN, 'pubmed', 'bone']);
    assert.equal(lines[0]!.msg, `bone: ${SENTENCE}`);
  });

  test('/healthz details and /admin carry the flag', async () => {
    const flag = (await healthz()).find((check) => check.event === 'watch.query_warning');
    assert.deepEqual(flag && [flag.subject, flag.detail], ['bone', SENTENCE]);
    const admin = await (await fetch(`${base}/admin`, { headers: { authorization: AUTH } })).text();
    assert.match(admin, /watch\.query_warning/);
    assert.match(admin, new RegExp(`(&quot;|&#34;|")${UNKNOWN}(&quot;|&#34;|") is not known to PubMed \\(dropped from the search\\)`));
  });

  test('watch preview prints the warning for the query as edited', async () => {
    const env = cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: QUERY }])), ...ncbiEnv(ncbi.url) });
    const { code, stdout, stderr } = await runCli(['watch', 'preview', 'bone', '--days', '7'], env);
    assert.equal(code, 0, stderr);
    assert.match(stdout, new RegExp(`\\n {2}warning: ${SENTENCE.replace(/[()]/g, '\\$&')}\\n`));
    const json = JSON.parse((await runCli(['watch', 'preview', 'bone', '--days', '7', '--json'], env)).stdout) as { warnings: unknown[] };
    assert.deepEqual(json.warnings, [{ source: 'pubmed', kind: 'phraseNotFound', phrase: UNKNOWN }]);
  });

  test('config check --live runs each query once, counting only, and points at the query in the file', async () => {
    const dir = configDir(
      watchesYaml([
        { id: 'clean', query: CLEAN },
        { id: 'bone', query: QUERY },
      ]),
    );
    const before = ncbi.count('esearch.fcgi');
    const { code, stdout, stderr } = await runCli(
      ['config', 'check', '--live'],
      cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: dir, ...ncbiEnv(ncbi.url) }),
    );
    assert.equal(code, 1, stdout);
    assert.ok(stderr.includes(`${path.join(dir, 'watches.yaml')}:9: watches[1].query: ${SENTENCE}\n`), stderr);
    assert.doesNotMatch(stderr, /watches\[0\]/);
    const searches = ncbi.requests.filter((r) => r.endpoint === 'esearch.fcgi').slice(before);
    assert.equal(searches.length, 2, 'one search per watch and source');
    assert.ok(
      searches.every((r) => r.params.retmax === '0' && r.params.usehistory === undefined),
      'counts only, nothing kept on the history server',
    );

    const clean = await runCli(
      ['config', 'check', '--live'],
      cliEnv({ REDIS_URL, LITWATCH_PREFIX: prefix, LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'clean', query: CLEAN }])), ...ncbiEnv(ncbi.url) }),
    );
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /OK \(1 watch, 0 subscribers\); every query searched as written/);
  });

  test('config check warns where a watch that searches PMC uses a PubMed-only field tag, and still passes', async () => {
    const dir = configDir(watchesYaml([{ id: 'both', query: '"bone metastas*"[tiab] NOT "Case Reports"[pt]', sources: ['pubmed', 'pmc'] }]));
    const { code, stdout, stderr } = await runCli(['config', 'check'], cliEnv({ LITWATCH_CONFIG: dir }));
    assert.equal(code, 0, stderr);
    assert.match(stdout, /OK \(1 watch/);
    assert.ok(
      stderr.includes(`${path.join(dir, 'watches.yaml')}:4: watches[0].query: warning: [pt] is PubMed's Publication Type field, which PMC does not have`),
      stderr,
    );
  });

  test('once the query is fixed, the next poll clears the flag', async () => {
    services.setConfig(testConfig([{ id: 'bone', name: 'Bone', query: CLEAN }]));
    await poll();
    assert.equal(
      (await healthz()).find((check) => check.event === 'watch.query_warning'),
      undefined,
    );
  });
});
