import { randomUUID } from 'node:crypto';
import type { AnnotatedDocument } from '../entities/entity-types.ts';
import { buildWorkEntities } from '../entities/work-entities.ts';
import type { Logger } from '../log.ts';
import { pmcidsForPmids } from '../ncbi/pmc-idconv.ts';
import type { Services } from '../services.ts';
import type { StoredWork } from '../store/work-store.ts';
import { summariseWithModel } from '../summary/model-summariser.ts';
import type { WantedFullText } from '../store/full-text-pool.ts';
import { EnrichFailures, RETRY_BASE_MS } from './enrich-failures.ts';
import { tagLocally } from './tag-locally.ts';
import { fetchPubtatorDocuments } from './pubtator-documents.ts';

export interface EnrichSummary {
  works: number;
  /** PMCIDs learnt from the ID converter. */
  pmcidsFound: number;
  /** Full texts handed to fetch-full-texts jobs. */
  fullTexts: number;
  pubtator: number;
  local: number;
  /** Summaries written by the configured summariser model. */
  modelSummaries?: number;
  /** Works a step failed for: still pending, tried again by a later poll (with backoff). */
  failed?: number;
}

/** Hands works' full texts to the jobs that fetch them (jobs/enrich-works.ts: through the poll's pool). */
export type FullTextHandOff = (wanted: WantedFullText[]) => Promise<void>;

/**
 * Completes the cards of some stored works, fetching only what is missing:
 *   1. a PMCID the PubMed record does not give yet, from the ID converter (once per work);
 *   2. the PMC full text of works that have a PMCID and no stored full text: handed off to
 *      fetch-full-texts jobs (`handOff`), which batch the PMCIDs of a whole poll 20 a request;
 *   3. PubTator3 annotations for works without PubTator entities, asked alongside 1 and 2 (by
 *      PMID, so it needs neither);
 *   4. for works PubTator has not annotated yet, offline tags from the vocabulary (over the
 *      abstract; the full-text job tags over the body), and a note to ask PubTator again on later
 *      polls for `pubtatorRetryDays`;
 *   5. a summariser model's summary, when one is configured.
 * A step whose service fails is noted for its works and the others go on (enrich-failures.ts):
 * the run never fails because of a service, the works stay deliverable, their cards say what is
 * pending, and a later poll tries them again with backoff. Safe to run twice.
 */
export async function enrichWorks(
  services: Services,
  log: Logger,
  keys: string[],
  options: { owner?: string; handOff: FullTextHandOff },
): Promise<EnrichSummary> {
  const owner = options.owner ?? `enrich-${randomUUID()}`;
  const works = await services.works.getMany(keys);
  const failures = new EnrichFailures(log);
  const existing = await services.enrichment.entitiesOf(keys);
  const unannotated = works.filter((w) => existing.get(w.key)?.source !== 'pubtator');
  // The ID converter and PubTator3 are separate services with limits of their own: asked side by side.
  const [{ pmcidsFound, fullTexts }, documents = []] = await Promise.all([
    learnPmcids(services, works, failures).then(async (found) => ({
      pmcidsFound: found,
      fullTexts: await handOffFullTexts(services, works, failures, owner, options.handOff),
    })),
    failures.run('entities', keysOf(unannotated), () => fetchPubtatorDocuments(services, unannotated)),
  ]);
  const vocabulary = await services.vocabulary();
  const summary: EnrichSummary = { works: works.length, pmcidsFound, fullTexts, pubtator: 0, local: 0 };
  for (const work of unannotated) {
    const document = documentFor(documents, work);
    if (document) {
      await services.enrichment.saveEntities(work.key, buildWorkEntities(document, vocabulary, Date.now()));
      await services.enrichment.stopRetrying([work.key]);
      summary.pubtator++;
      continue;
    }
    // Offline tags are made once (also while PubTator fails); later runs only ask PubTator. Read
    // again: a full-text job may have tagged the body meanwhile, which the abstract must not replace.
    if (existing.get(work.key) || !vocabulary || (await services.enrichment.entities(work.key))) continue;
    await services.enrichment.saveEntities(work.key, tagLocally(vocabulary, work.article));
    await services.enrichment.retryUntil(work.key, work.firstSeen + services.config().enrichment.pubtatorRetryDays * 86_400_000);
    summary.local++;
  }
  summary.modelSummaries = await summariseWithModelWhereMissing(services, log, works, failures);
  summary.failed = failures.count;
  await failures.record(services.enrichment.pending, keysOf(works), services.now().getTime());
  return summary;
}

/** With a summariser configured, works without a model summary get one (four at a time; each may time out). */
async function summariseWithModelWhereMissing(services: Services, log: Logger, works: StoredWork[], failures: EnrichFailures): Promise<number> {
  const { SUMMARISER_URL: url, SUMMARISER_MODEL: model, SUMMARISER_API_KEY: apiKey, SUMMARISER_TIMEOUT_MS: timeoutMs } = services.env;
  if (!url) return 0;
  let made = 0;
  const queue = works.filter((w) => w.article.abstract.some((part) => part.text.trim() !== ''));
  const worker = async () => {
    for (let work = queue.shift(); work; work = queue.shift()) {
      if (await services.enrichment.summary(work.key)) continue;
      // The summariser logs its own failure and answers undefined: the card keeps the extractive summary meanwhile.
      const summary = await summariseWithModel({ url, model, apiKey, timeoutMs }, work.article, log);
      if (!summary) {
        failures.add(work.key, 'summary', 'the summariser gave no usable summary');
        continue;
      }
      await services.enrichment.saveSummary(work.key, summary);
      made++;
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return made;
}

/** Works with a PMID but no PMCID, never asked before: ask the ID converter once. */
async function learnPmcids(services: Services, works: StoredWork[], failures: EnrichFailures): Promise<number> {
  const unknown = works.filter((w) => w.article.pmid && !w.article.pmcid && w.idconvAt === undefined);
  if (unknown.length === 0) return 0;
  const ask = () =>
    pmcidsForPmids(
      services.ncbi,
      services.env.PMC_IDCONV_URL,
      unknown.map((w) => w.article.pmid!),
    );
  const found = await failures.run(
    'pmcid',
    unknown.map((w) => w.key),
    ask,
  );
  if (!found) return 0;
  await services.works.recordIdconvMany(unknown.map((work) => ({ key: work.key, pmcid: found.get(work.article.pmid!) })));
  for (const work of unknown) {
    const pmcid = found.get(work.article.pmid!);
    if (pmcid) work.article.pmcid = pmcid;
  }
  return found.size;
}

/**
 * Works with a PMCID whose full text is not stored yet: claimed (so the poll's PMC batch, which
 * may have found the same work, does not fetch it too), recorded as pending on their full text,
 * and handed off. A PMCID another job is fetching right now is left to it: the work is deferred,
 * and that job's own enrichment completes it. Returns how many were handed off.
 */
async function handOffFullTexts(services: Services, works: StoredWork[], failures: EnrichFailures, owner: string, handOff: FullTextHandOff): Promise<number> {
  const stored = await services.enrichment.haveFullText(works.map((w) => w.key));
  const wanted = works.filter((w) => w.article.pmcid && !stored.has(w.key));
  const claimed = await services.enrichment.claimFullTexts(
    wanted.map((w) => w.article.pmcid!),
    owner,
  );
  for (const work of wanted) if (!claimed.has(work.article.pmcid!)) failures.defer(work.key);
  const mine = wanted.filter((w) => claimed.has(w.article.pmcid!));
  if (mine.length === 0) return 0;
  const now = services.now().getTime();
  // Pending first: the fetch-full-texts job clears it, and may run before this job ends.
  await services.enrichment.pending.handOffFullTexts(keysOf(mine), now + RETRY_BASE_MS, now);
  await failures.run('full text', keysOf(mine), () => handOff(mine.map((w) => ({ pmcid: w.article.pmcid!, workKey: w.key }))));
  for (const work of mine) if (!failures.has(work.key)) failures.handOff(work.key);
  return mine.length;
}

const keysOf = (list: StoredWork[]) => list.map((w) => w.key);

function documentFor(documents: AnnotatedDocument[], work: StoredWork): AnnotatedDocument | undefined {
  const { pmid, pmcid } = work.article;
  return documents.find((d) => (pmid !== undefined && d.pmid === pmid) || (pmcid !== undefined && d.pmcid === pmcid));
}
