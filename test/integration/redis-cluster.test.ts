import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { Cluster } from 'ioredis';
import pg from 'pg';
import { keyHolders } from '../../src/redis/connect-redis.ts';
import { cliEnv, configDir, runCli, sharedSettings, spawnCli, watchesYaml } from '../helpers/cli.ts';
import { FakeNcbi } from '../helpers/fake-ncbi.ts';
import { freePort } from '../helpers/free-port.ts';
import { pubmedArticleXml } from '../helpers/pubmed-xml.ts';
import { LocalRedisCluster } from '../helpers/redis-cluster.ts';
import { SmtpSink } from '../helpers/smtp-sink.ts';
import { deletePrefix, ncbiEnv, testDatabaseUrl, testPrefix } from '../helpers/test-services.ts';
import { until } from '../helpers/until.ts';

const WORKS = 60;
const QUERY = '"bone metastas*"[tiab]';

describe('one start and two workers on a three-master Redis Cluster', () => {
  const prefix = testPrefix('cluster');
  const cluster = new LocalRedisCluster([7201, 7202, 7203]);
  let ncbi: FakeNcbi;
  let smtp: SmtpSink;
  let env: NodeJS.ProcessEnv;
  let client: Cluster;
  const processes: ReturnType<typeof spawnCli>[] = [];

  before(async () => {
    await cluster.start();
    client = new Cluster([{ host: '127.0.0.1', port: 7201 }]);
    ncbi = await new FakeNcbi().start();
    const pmids = Array.from({ length: WORKS }, (_, i) => String(43_000_000 + i));
    ncbi.addRecords(
      pmids.map((pmid, i) => ({
        pmid,
        edat: `2026/11/${String(1 + (i % 26)).padStart(2, '0')}`,
        xml: pubmedArticleXml({ pmid, doi: `10.5555/cl.${pmid}`, title: `Bone metastasis cohort ${pmid}` }),
      })),
    );
    ncbi.setQuery(QUERY, pmids);
    smtp = await new SmtpSink().start();
    env = cliEnv({
      ...sharedSettings(),
      SMTP_URL: smtp.url,
      REDIS_CLUSTER_NODES: cluster.nodes,
      LITWATCH_PREFIX: prefix,
      PORT: String(await freePort()),
      ...ncbiEnv(ncbi.url),
      LITWATCH_CONFIG: configDir(watchesYaml([{ id: 'bone', query: QUERY }])),
    });
    processes.push(spawnCli(['start'], env));
    for (let i = 0; i < 2; i++) processes.push(spawnCli(['start', '--role', 'worker'], env));
    await Promise.all(processes.map((p) => waitForLog(p, 'litwatch.started')));
  });

  after(async () => {
    for (const p of processes) if (p.exitCode === null) p.kill('SIGTERM');
    await Promise.all(processes.map((p) => (p.exitCode === null ? once(p, 'exit') : undefined)));
    await ncbi?.close();
    await smtp?.close();
    if (client) {
      await deletePrefix(prefix, client);
      client.disconnect();
    }
    await cluster.stop();
  });

  test('a poll, its enrichment, digests and sends go through it: stored once, sent once, keys on several masters', async () => {
    const poll = await runCli(['poll', 'bone', '--now', '--wait-enrichment'], env);
    assert.equal(poll.code, 0, poll.stderr);
    for (const reader of ['ada@example.org', 'bo@example.org']) {
      const added = await runCli(['subscribers', 'add', reader, '--watch', 'bone'], env);
      assert.equal(added.code, 0, added.stderr);
    }
    const run = await runCli(['digest', 'run', '--now'], env);
    assert.equal(run.code, 0, run.stderr);
    await until(() => smtp.messages.length >= 2);

    const db = new pg.Client({ connectionString: testDatabaseUrl(prefix) });
    await db.connect();
    try {
      const works = await db.query('SELECT count(*)::int AS n, count(DISTINCT doi)::int AS dois FROM works');
      assert.deepEqual(works.rows[0], { n: WORKS, dois: WORKS }, 'every work stored once');
      const sent = await db.query("SELECT count(*)::int AS n FROM digests WHERE status = 'sent'");
      assert.equal(sent.rows[0].n, 2);
      const pairs = await db.query(
        'SELECT count(*)::int AS n, count(DISTINCT (subscriber_id, work_key))::int AS once FROM subscriber_sends, unnest(work_keys) AS work_key',
      );
      assert.deepEqual(pairs.rows[0], { n: 2 * WORKS, once: 2 * WORKS }, 'each reader got each work once');
    } finally {
      await db.end();
    }
    assert.deepEqual(smtp.messages.map((m) => m.to && ('text' in m.to ? m.to.text : '')).sort(), ['ada@example.org', 'bo@example.org'], 'one email each');
    assert.equal(ncbi.count('efetch.fcgi'), 1, 'the records were fetched once');

    const perNode = await Promise.all(keyHolders(client).map(async (node) => (await node.keys(`${prefix}:*`)).length));
    assert.equal(perNode.length, 3);
    assert.ok(perNode.filter((n) => n > 0).length >= 2, `the installation's keys sit on several masters: ${perNode.join(', ')}`);
  });
});

/** Until the process logs `event`; its stderr is the error when it exits first. */
async function waitForLog(child: ReturnType<typeof spawnCli>, event: string): Promise<void> {
  await until(() => child.output.stderr.includes(`"event":"${event}"`) || child.exitCode !== null);
  if (child.exitCode !== null) throw new Error(`litwatch exited (${child.exitCode}): ${child.output.stderr}`);
}
