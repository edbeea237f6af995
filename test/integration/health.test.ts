import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkHealth, usualGapDays } from '../../src/health/check-health.ts';
import { monitorHealth } from '../../src/health/health-monitor.ts';
import type { Services } from '../../src/services.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { captureLogs, deletePrefix, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-27T08:00:00Z');

describe('health checks', () => {
  const prefix = testPrefix('health');
  const logs = captureLogs();
  let services: Services;

  before(async () => {
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: testConfig([
        { id: 'quiet', query: 'a' },
        { id: 'busy', query: 'b' },
      ]),
      log: logs.log,
    });
    // "busy" found works yesterday; "quiet" last found one 20 days ago, and polls fine since.
    await find('busy', ['41000101', '41000102'], NOW - 3 * DAY);
    await find('busy', ['41000103'], NOW - DAY);
    await services.metrics.recordPoll('busy', { ok: true, found: 1, query: 'b' }, NOW - DAY);
    await find('quiet', ['41000201'], NOW - 24 * DAY);
    await find('quiet', ['41000202'], NOW - 20 * DAY);
    await services.metrics.recordPoll('quiet', { ok: true, found: 1, query: 'a' }, NOW - 20 * DAY);
    await services.metrics.recordPoll('quiet', { ok: true, found: 0, query: 'a' }, NOW - DAY);
  });

  after(async () => {
    await services.close();
    await deletePrefix(prefix);
  });

  /** A poll of `watchId` at `at` that found these works (what the chart and the silence check count). */
  async function find(watchId: string, pmids: string[], at: number): Promise<void> {
    for (const pmid of pmids) await services.works.upsert(makeArticle({ pmid, title: `Work ${pmid}` }), watchId, at);
  }

  function failing(report: Awaited<ReturnType<typeof checkHealth>>): string[] {
    return report.checks.filter((c) => !c.ok).map((c) => `${c.event}${c.subject ? ` ${c.subject}` : ''}`);
  }

  test('a watch that found nothing for longer than its usual gap is flagged; a busy one is not', async () => {
    assert.deepEqual(failing(await checkHealth(services, NOW)), ['watch.silent quiet']);
  });

  test('a streak of bad NCBI answers is flagged, and one good answer clears it', async () => {
    for (let i = 0; i < 5; i++) await services.metrics.ncbiRequest(i % 2 ? 'rate_limited' : 'error');
    assert.ok(failing(await checkHealth(services, NOW)).includes('ncbi.error_streak'));
    await services.metrics.ncbiRequest('ok');
    assert.ok(!failing(await checkHealth(services, NOW)).includes('ncbi.error_streak'));
    const counters = await services.metrics.counters();
    assert.deepEqual([counters.ncbi_requests_total, counters.ncbi_rate_limited_total, counters.ncbi_errors_total], [6, 2, 3]);
  });

  test('a job waiting with no worker to take it is flagged as stuck', async () => {
    await services.queues.fetch.add('fetch-batch', { watchId: 'busy' }, { jobId: 'old-job', delay: 0 });
    const report = await checkHealth(services, Date.now() + 31 * 60_000);
    assert.ok(failing(report).includes('queue.stuck fetch'));
  });

  test('changes are logged once with their stable event, and recoveries too', async () => {
    await monitorHealth(services, NOW);
    await monitorHealth(services, NOW);
    assert.equal(logs.lines.filter((l) => l.event === 'watch.silent').length, 1);
    await find('quiet', ['41000203', '41000204'], NOW);
    await services.metrics.recordPoll('quiet', { ok: true, found: 2, query: 'a' }, NOW);
    await monitorHealth(services, NOW);
    assert.ok(logs.lines.some((l) => l.event === 'health.recovered' && l.check === 'watch.silent' && l.subject === 'quiet'));
  });

  test('the usual gap is the mean number of days between days with finds', () => {
    const daily = ['2026-11-01', '2026-11-05', '2026-11-09'].map((day) => ({ day, count: 1 }));
    assert.equal(usualGapDays(daily), 4);
    assert.equal(usualGapDays(daily.slice(0, 1)), undefined);
  });
});
