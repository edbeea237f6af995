import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
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
 * LITWATCH_CARD_WORKERS=N cards them in N worker threads instead (parallel-cards.ts).
 */
export async function cardCommand(files: string[], options: CardOptions): Promise<void> {
  const sides = await loadSideFiles(options);
  const format = options.json ? 'json' : 'markdown';
  const workers = workerCount(options);
  let count = 0;
  let failed = 0;
  const out = new LineBuffer();
  try {
    for (const file of files) {
      const onRecordError = (message: string) => {
        failed++;
        process.stderr.write(`${file}: ${message}\n`);
      };
      const write = (line: string) => out.write(format === 'json' || count++ === 0 ? line : `\n${line}`);
      const source = createReadStream(file, { highWaterMark: READ_BYTES });
      if (workers > 1) {
        const { cardsInParallel } = await import('../../card/parallel-cards.ts');
        for await (const outcome of cardsInParallel(source, format, workers)) {
          if ('error' in outcome) onRecordError(outcome.error);
          else await write(outcome.line);
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
 * Worker threads for the parse-to-card work (parallel-cards.ts): LITWATCH_CARD_WORKERS=N, off
 * by default. Each worker is a V8 heap of its own (~70 MB at peak), so N workers trade memory
 * for time on a machine with idle cores; on this project's 2 shared cores they gained nothing
 * measurable (README, Benchmarks). Not with side files: every worker would load them.
 */
function workerCount(options: CardOptions): number {
  const chosen = Number(process.env.LITWATCH_CARD_WORKERS ?? 1);
  if (!Number.isInteger(chosen) || chosen < 1)
    throw new ConfigError([
      { file: 'env', field: 'LITWATCH_CARD_WORKERS', message: `"${process.env.LITWATCH_CARD_WORKERS}" is not a whole number of workers (1 or more)` },
    ]);
  if (options.pmc?.length || options.pubtator?.length || options.vocab) return 1;
  return chosen;
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
