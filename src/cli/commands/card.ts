import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { cardLine } from '../../card/card-line.ts';
import { ConfigError } from '../../config/config-errors.ts';
import type { CardInput } from '../../card/card-input.ts';
import type { AnnotatedDocument } from '../../entities/entity-types.ts';
import type { Vocabulary } from '../../entities/vocabulary.ts';
import type { PubmedArticle } from '../../parse/article.ts';
import type { JatsArticle } from '../../parse/full-text.ts';
import { streamPubmedRecords } from '../../parse/pubmed-stream.ts';
import { LineBuffer } from '../write-line.ts';

export interface CardOptions {
  json?: boolean;
  /** PMC JATS files (efetch db=pmc or OA .nxml), matched to articles by PMID or PMCID. */
  pmc?: string[];
  /** PubTator3 BioC JSON exports, matched by PMID or PMCID. */
  pubtator?: string[];
  /** Offline vocabulary folder: articles without PubTator annotations are tagged with it. */
  vocab?: string;
}

/**
 * `litwatch card <efetch.xml>... [--pmc jats...] [--pubtator biocjson...] [--vocab DIR] [--json]`:
 * cards built fully offline from recorded files, no Redis. PubMed files are streamed record by
 * record, so a file of any size is rendered in constant memory; the side files are read whole.
 * A large file is carded on more than one thread when the machine has the cores (cardThreads).
 */
export async function cardCommand(files: string[], options: CardOptions): Promise<void> {
  const sides = await loadSideFiles(options);
  const format = options.json ? 'json' : 'markdown';
  const chosen = chosenThreads();
  let count = 0;
  let failed = 0;
  const out = new LineBuffer();
  try {
    for (const file of files) {
      const onRecordError = (message: string) => {
        failed++;
        process.stderr.write(`${file}: ${message}\n`);
      };
      const write = (line: string | Uint8Array) => out.write(line, format === 'json' || count++ === 0 ? '' : '\n');
      const threads = await cardThreads(file, options, chosen);
      const source = createReadStream(file, { highWaterMark: READ_BYTES });
      if (threads > 1) {
        const { cardsInParallel } = await import('../../card/parallel-cards.ts');
        for await (const outcome of cardsInParallel(source, format, threads)) {
          if ('error' in outcome) onRecordError(outcome.error);
          else await write('line' in outcome ? outcome.line : outcome.bytes);
        }
        continue;
      }
      for await (const record of streamPubmedRecords(source, { onRecordError: (err) => onRecordError(err.message) })) {
        if (record.kind === 'deleted') continue;
        await write(cardLine(record, enrichOffline(record, sides), format));
      }
    }
  } finally {
    await out.flush(); // the cards before an error are printed too
  }
  if (failed > 0) process.exitCode = 1;
}

/** 256 KB reads: with the 64 KB default, stream overhead was a fifth of the splitting time; larger ones hold more memory. */
const READ_BYTES = 256 * 1024;

/**
 * Files from this size on are carded on several threads by default (~1,000 records of today's
 * PubMed). Below it a worker's start and its own JIT warm-up cost more than it takes over: 500
 * records (15 MB) took 1.09x as long on two threads as on one (this project's 2 shared cores).
 */
export const PARALLEL_MIN_BYTES = 32 * 1024 * 1024;
/**
 * Threads by default: each worker is a V8 heap of its own (~50 MB), so the default stops at two
 * (one worker beside the main thread: under 200 MB at any file size); LITWATCH_CARD_WORKERS
 * asks for more on a machine with idle cores and memory to spare.
 */
export const DEFAULT_MAX_THREADS = 2;

/** LITWATCH_CARD_WORKERS=N: the threads that card (1 = this one only); undefined when not set. */
function chosenThreads(): number | undefined {
  const value = process.env.LITWATCH_CARD_WORKERS;
  if (value === undefined || value === '') return undefined;
  const chosen = Number(value);
  if (!Number.isInteger(chosen) || chosen < 1)
    throw new ConfigError([{ file: 'env', field: 'LITWATCH_CARD_WORKERS', message: `"${value}" is not a whole number of workers (1 or more)` }]);
  return chosen;
}

/**
 * How many threads card `file` (parallel-cards.ts): the chosen number, else, for a file of
 * PARALLEL_MIN_BYTES or more on a machine of several cores, up to DEFAULT_MAX_THREADS; one for
 * a small file (a worker's start costs more than it saves) or with side files (every worker
 * would load them).
 */
export async function cardThreads(file: string, options: CardOptions, chosen: number | undefined): Promise<number> {
  if (options.pmc?.length || options.pubtator?.length || options.vocab) return 1;
  if (chosen !== undefined) return chosen;
  const cores = availableParallelism();
  if (cores < 2) return 1;
  const size = await stat(file).then(
    (info) => (info.isFile() ? info.size : 0),
    () => 0, // the read reports what is wrong with it
  );
  return size >= PARALLEL_MIN_BYTES ? Math.min(cores, DEFAULT_MAX_THREADS) : 1;
}

interface SideFiles {
  jats: JatsArticle[];
  bioc: AnnotatedDocument[];
  vocabulary?: Vocabulary;
  /** The entity builders, loaded only when there are PubTator files or a vocabulary to use them. */
  entities?: {
    buildWorkEntities: typeof import('../../entities/work-entities.ts').buildWorkEntities;
    tagLocally: typeof import('../../enrich/tag-locally.ts').tagLocally;
  };
}

/**
 * Reads the side files. What reads them (the JATS parser, zod for BioC, the vocabulary and the
 * taggers: a hundred modules) is imported only when they are given, so a plain
 * `litwatch card FILE` does not pay for loading it at start-up.
 */
async function loadSideFiles(options: CardOptions): Promise<SideFiles> {
  const jats: JatsArticle[] = [];
  if (options.pmc?.length) {
    const { parseJatsXml } = await import('../../parse/jats-stream.ts');
    for (const file of options.pmc) jats.push(...parseJatsXml(await readFile(file, 'utf8')));
  }
  const bioc: AnnotatedDocument[] = [];
  if (options.pubtator?.length) {
    const { parseBiocJson } = await import('../../entities/bioc.ts');
    for (const file of options.pubtator) bioc.push(...parseBiocJson(JSON.parse(await readFile(file, 'utf8'))));
  }
  const vocabulary = options.vocab ? await (await import('../../entities/vocabulary.ts')).loadVocabulary(options.vocab) : undefined;
  if (bioc.length === 0 && vocabulary === undefined) return { jats, bioc };
  const [{ buildWorkEntities }, { tagLocally }] = await Promise.all([import('../../entities/work-entities.ts'), import('../../enrich/tag-locally.ts')]);
  return { jats, bioc, vocabulary, entities: { buildWorkEntities, tagLocally } };
}

function enrichOffline(article: PubmedArticle, sides: SideFiles): CardInput {
  if (sides.jats.length === 0 && sides.entities === undefined) return { article };
  const matches = (ids: { pmid?: string; pmcid?: string }) =>
    (ids.pmid !== undefined && ids.pmid === article.pmid) || (article.pmcid !== undefined && ids.pmcid === article.pmcid);
  const jats = sides.jats.find((j) => matches(j.article));
  // The PMC copy may name a PMCID the PubMed record does not give yet.
  const withPmcid = jats && !article.pmcid ? { ...article, pmcid: jats.article.pmcid } : article;
  const document = sides.bioc.find(matches);
  const build = sides.entities;
  const entities = !build
    ? undefined
    : document
      ? build.buildWorkEntities(document, sides.vocabulary)
      : sides.vocabulary
        ? build.tagLocally(sides.vocabulary, withPmcid, jats)
        : undefined;
  return { article: withPmcid, ...(jats ? { fullText: jats.fullText } : {}), ...(entities ? { entities } : {}) };
}
