/**
 * The NCBI stand-in of bench/poll-requests.ts, in a process of its own (forked, with an IPC
 * channel): building and sending NCBI's replies is NCBI's work and must not take the CPU time of
 * the litwatch process being measured. Seeds the records, prints nothing, sends `{ url }` once
 * listening, answers the message 'requests' with its request log, and stops when killed.
 * Arguments: the number of records, the watch's query.
 */
import { FakeNcbi } from '../test/helpers/fake-ncbi.ts';
import { jatsArticleXml } from '../test/helpers/jats-xml.ts';
import { articleXml } from './generate-efetch.ts';
import { createRng } from './prng.ts';

/** Works PMC holds: every PMID ending in 0, 1 or 2. */
const IN_PMC = (i: number) => i % 10 < 3;

/** 1,000 records entered in November 2026 (all inside the first poll's 30-day window); 300 in PMC. */
function seed(ncbi: FakeNcbi, RECORDS: number, QUERY: string): void {
  const rng = createRng(41);
  const records = Array.from({ length: RECORDS }, (_, i) => {
    const pmid = 42_000_000 + i;
    const day = 1 + (i % 26);
    const edat = `2026/11/${String(day).padStart(2, '0')}`;
    if (IN_PMC(i)) {
      const pmcid = `PMC${9_000_000 + i}`;
      ncbi.setPmcid(String(pmid), pmcid);
      ncbi.addPmcArticles([
        {
          pmcid,
          edat,
          xml: jatsArticleXml({
            pmcid,
            pmid: String(pmid),
            title: `Bone metastasis ${pmid}`,
            abstract: 'Bone metastasis.',
            body: ['Osteolytic lesions.'],
            captionedFigures: 2,
            references: 10,
          }),
        },
      ]);
    }
    return { pmid: String(pmid), edat, xml: articleXml(rng, pmid, { year: 2026, month: 11, day }) };
  });
  ncbi.addRecords(records);
  ncbi.setQuery(
    QUERY,
    records.map((r) => r.pmid),
  );
}

const [records, query] = [Number(process.argv[2]), process.argv[3]!];
const ncbi = await new FakeNcbi().start();
seed(ncbi, records, query);
process.on('message', (message) => {
  if (message === 'requests') process.send?.({ requests: ncbi.requests });
});
process.send?.({ url: ncbi.url });
