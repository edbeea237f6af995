/**
 * `npm run bench`: runs each benchmark in turn, printing as it goes, then one summary block
 * with every figure, to paste into a note. Benchmarks print figures; none of them asserts a
 * time. They do check that the work was done (every article carded, every record stored), since
 * a fast run that skipped work would be a wrong figure.
 */
import os from 'node:os';
import { cardThroughput, perSecond, type CardFigures, type Run } from './card-throughput.ts';
import { startup, type StartupFigures } from './startup.ts';
import { mb } from './measure.ts';
import { digestBuild, type DigestBuildFigures } from './digest-build.ts';
import { digestSend, type DigestFigures } from './digest-send.ts';
import { feedFlood, floodLine, type FeedFloodFigures } from './feed-flood.ts';
import { pollRequests, pollSummary } from './poll-requests.ts';
import { storeBench, type StoreFigures } from './store.ts';

const log = (line: string) => console.log(`  ${line}`);
const started = performance.now();
const machine = `node ${process.version}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM`;

console.log(`litwatch benchmark (${machine})\n`);
console.log('1. Card throughput');
const card = await cardThroughput(log);
console.log('\n2. CLI start-up');
const start = await startup(log);
console.log('\n3. Requests per poll');
const poll = await pollRequests(log);
console.log('\n4. Digests for many subscribers');
const digests = await digestSend(log);
console.log('\n5. Digest build: 10,000 subscribers x 50 works');
const builds = await digestBuild(log);
console.log('\n6. The database');
const store = await storeBench(log);
console.log('\n7. Feed flood: 100 clients at once on a watch of 100 works');
const feeds = await feedFlood(log);
const total = (performance.now() - started) / 1000;

console.log(
  `\n${[
    `== litwatch benchmark, ${new Date().toISOString().slice(0, 10)} (${machine}) ==`,
    ...cardSummary(card),
    ...startupSummary(start),
    ...pollSummary(poll),
    ...digestSummary(digests),
    ...buildSummary(builds),
    ...storeSummary(store),
    ...feedSummary(feeds),
    `Total benchmark time: ${total.toFixed(0)} s`,
  ].join('\n')}`,
);

/** One aligned line of figures: the summary is read as a table. */
function row(name: string, run: Run, note = ''): string {
  const seconds = `${run.seconds.toFixed(1).padStart(5)} s`;
  const rates = `${perSecond(run).toFixed(0).padStart(5)} articles/s ${(mb(run.bytes) / run.seconds).toFixed(1).padStart(5)} MB/s`;
  return `    ${name.padEnd(10)} ${seconds} ${rates}  peak RSS ${mb(run.peakRss).toFixed(0).padStart(5)} MB${note}`;
}

function cardSummary(card: CardFigures): string[] {
  const lines = [
    'Card throughput: litwatch card --json vs Biopython Entrez.read(validate=False), runs in turn',
    `  median wall time from spawn to exit; MB = 10^6 bytes; peak RSS (largest run) by ${card.rssMethod}`,
  ];
  for (const { file, litwatch, biopython, biopythonSkipped } of card.sizes) {
    lines.push(`  ${file.articles} articles, ${mb(file.bytes).toFixed(1)} MB (sha256 ${file.sha256.slice(0, 12)}):`);
    lines.push(row('litwatch', litwatch));
    if (!biopython) {
      lines.push(`    Biopython skipped: ${biopythonSkipped}`);
      continue;
    }
    lines.push(row('Biopython', biopython, `  (Entrez.read alone ${biopython.parseSeconds.toFixed(1)} s)`));
    lines.push(`    ratio      ${(biopython.seconds / litwatch.seconds).toFixed(2)}x Biopython's time, end to end (goal >= 5x)`);
  }
  const rss = card.sizes.map((s) => `${mb(s.litwatch.peakRss).toFixed(0)} MB`).join(' / ');
  lines.push(`  litwatch peak RSS by size (${card.sizes.map((s) => s.file.articles).join(' / ')} articles): ${rss} (goal: flat, under 200 MB)`);
  return lines;
}

function startupSummary(start: StartupFigures): string[] {
  return [
    `CLI start-up: node bin/litwatch.js --help vs node -e 0, median of ${start.runs} each, in turn`,
    `  ${(start.litwatch * 1000).toFixed(0)} ms vs ${(start.node * 1000).toFixed(0)} ms: ${(start.litwatch / start.node).toFixed(2)}x (goal <= 2x)`,
  ];
}

function digestSummary(figures: DigestFigures | { skipped: string }): string[] {
  const title = 'Digests: build and send through the queues to a local SMTP sink (another process)';
  if ('skipped' in figures) return [title, `  skipped: ${figures.skipped}`];
  const share = (100 * figures.achievedRate) / figures.configuredRate;
  return [
    title,
    `  ${figures.subscribers} subscribers, configured ${figures.configuredRate} messages/s: ${figures.seconds.toFixed(1)} s wall, ${figures.achievedRate.toFixed(1)} messages/s achieved (${share.toFixed(0)}% of configured)`,
    `  peak RSS ${figures.peakRssMb.toFixed(0)} MB (builders and senders in one process); ${figures.averageMessageKb.toFixed(0)} KB per message; Redis holds ${figures.redisMbAfter.toFixed(0)} MB for the run afterwards`,
  ];
}

function buildSummary(figures: DigestBuildFigures | { skipped: string }): string[] {
  const title = 'Digest build: plan job to the last digest stored, digest workers in their own process (nothing sent)';
  if ('skipped' in figures) return [title, `  skipped: ${figures.skipped}`];
  return [
    title,
    `  ${figures.subscribers} subscribers x ${figures.works} long works: ${figures.seconds.toFixed(1)} s (${figures.digestsPerSecond.toFixed(0)} digests/s), builder peak RSS ${figures.peakRssMb.toFixed(0)} MB, ${figures.averageHtmlKb.toFixed(0)} KB HTML per digest`,
  ];
}

function storeSummary(store: StoreFigures): string[] {
  const redis =
    'skipped' in store.redis
      ? [`  Redis after a poll: skipped: ${store.redis.skipped}`]
      : [
          `  Redis after polling ${store.redis.works} works through the queues (${store.redis.seconds.toFixed(0)} s): ${store.redis.keys} keys of the installation, ${store.redis.storeKeys} of them the store's, ${(store.redis.bytes / 1e6).toFixed(2)} MB (${store.redis.bytesPerWork.toFixed(0)} bytes per work: BullMQ's kept jobs, no work data)`,
        ];
  return [
    'The database (PostgreSQL server on 127.0.0.1:5432, embedded PGlite in a temp folder)',
    `  works stored per second, ${store.storeRate.batches} batches of 200, one transaction per work: PostgreSQL ${store.storeRate.postgres.toFixed(0)}, embedded ${store.storeRate.embedded.toFixed(0)}`,
    `  full-text search over ${store.search.works} works (stored in ${store.search.seedSeconds.toFixed(0)} s, 8 writers): median ${store.search.medianMs.toFixed(1)} ms, p95 ${store.search.p95Ms.toFixed(1)} ms (100 searches, 50 hits max)`,
    `  database size per 100,000 works: ${(store.databaseBytesPer100k / 1e6).toFixed(0)} MB (pg_database_size, after VACUUM ANALYZE)`,
    ...redis,
  ];
}

function feedSummary(figures: FeedFloodFigures | { skipped: string }): string[] {
  const title = 'Feed flood: litwatch start (role all), each client from its own loopback address, half the requests conditional';
  if ('skipped' in figures) return [title, `  skipped: ${figures.skipped}`];
  return [title, `  ${floodLine(figures)}`];
}
