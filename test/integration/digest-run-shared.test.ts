import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Worker } from 'bullmq';
import * as planDigests from '../../jobs/plan-digests.ts';
import { sharedDigestRun } from '../../src/digest/digest-runs.ts';
import { closeWorkers, startWorkers } from '../../src/queue/run-workers.ts';
import type { Services } from '../../src/services.ts';
import { longArticle, longEntities } from '../fixtures/mail/long-works.ts';
import { PATIENCE_MS, until } from '../helpers/until.ts';
import { deletePrefix, REFERENCE_DAY, testConfig, testPrefix, testServices } from '../helpers/test-services.ts';

const WORKS = 4;
const SUBSCRIBERS = 6;

describe('one digest run for many subscribers (issue 12)', () => {
  const prefix = testPrefix('digest-run');
  let services: Services;
  let workers: Worker[] = [];
  const reads = { works: 0, watchLists: 0 };

  before(async () => {
    services = testServices({
      prefix,
      eutilsUrl: 'http://127.0.0.1:9/entrez/eutils',
      config: testConfig([{ id: 'bone', name: 'Bone metastasis', query: 'a' }]),
      env: { LITWATCH_PUBLIC_URL: 'https://litwatch.test' },
    });
    for (let i = 0; i < WORKS; i++) {
      const { key } = await services.works.upsert(longArticle(i), 'bone', REFERENCE_DAY.getTime() - 3600_000);
      await services.enrichment.saveEntities(key, longEntities(i));
    }
    for (let i = 0; i < SUBSCRIBERS; i++)
      await services.subscribers.save({ email: `r${i}@example.org`, watches: ['bone'], frequency: 'daily' }, 'admin', REFERENCE_DAY.getTime());
    // Count what the digest run reads from the real store.
    const { works } = services;
    const get = works.get.bind(works);
    const matchedSince = works.matchedSince.bind(works);
    works.get = (key) => (reads.works++, get(key));
    works.matchedSince = (watchId, since) => (reads.watchLists++, matchedSince(watchId, since));
    workers = startWorkers(services, { queues: ['digest'] });
  });

  after(async () => {
    await closeWorkers(workers);
    await services.close();
    await deletePrefix(prefix);
  });

  test("a plan's build jobs read the watch's works once and render each entry once, for all subscribers", async () => {
    await services.queues.digest.add(planDigests.name, { frequency: 'daily', timezone: 'UTC' });
    await until(async () => (await services.queues.mail.getWaitingCount()) === SUBSCRIBERS, PATIENCE_MS);
    assert.equal(reads.watchLists, 1, "the watch's list of works is read once");
    assert.equal(reads.works, WORKS, 'each work is read once');
    const [build] = await services.queues.digest.getJobs(['completed'], 0, 0);
    const runId = (build?.data as { run?: string } | undefined)?.run;
    assert.ok(runId, 'build jobs carry the run id');
    const run = sharedDigestRun(services, runId, REFERENCE_DAY);
    assert.deepEqual(run.stats, { entriesBuilt: WORKS, entriesRendered: WORKS, digests: SUBSCRIBERS });
    // Every digest lists the same rendered entries.
    const digests = await services.digests.recent(SUBSCRIBERS);
    assert.equal(digests.length, SUBSCRIBERS);
    for (const digest of digests) assert.equal(digest.html.match(/class="entry-link"/g)?.length, WORKS);
  });
});
