// A separate process storing the same works as another one at the same moment (see
// store-two-processes.test.ts): DATABASE_URL, WATCH and COUNT from the environment. It says
// `ready` on stdout once connected and starts when a line arrives on stdin, so two children start
// together however long each took to load (a start time on the clock would not hold on a busy machine).
import { createLogger } from '../../src/log.ts';
import { openDatabase } from '../../src/store/db/open-database.ts';
import { WorkStore } from '../../src/store/work-store.ts';
import { makeArticle } from '../fixtures/card/articles.ts';

const db = openDatabase({ DATABASE_URL: process.env.DATABASE_URL, LITWATCH_DB_DIR: '' });
await db.ready();
const works = new WorkStore(db, createLogger({ level: 'silent', pretty: false }));
const count = Number(process.env.COUNT);
process.stdout.write('ready\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
process.stdin.destroy();
const articles = Array.from({ length: count }, (_, i) => makeArticle({ pmid: String(42_000_000 + i), doi: `10.5555/Twice.${i}`, title: `Stored twice ${i}` }));
const statuses: Record<string, number> = {};
await Promise.all(
  [0, 1, 2, 3].map(async (lane) => {
    for (let i = lane; i < articles.length; i += 4) {
      const { status } = await works.upsert(articles[i]!, process.env.WATCH ?? 'w');
      statuses[status] = (statuses[status] ?? 0) + 1;
    }
  }),
);
process.stdout.write(`${JSON.stringify(statuses)}\n`);
await db.close();
