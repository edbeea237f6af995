import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { cardJson } from '../../card/card-json.ts';
import type { CardInput } from '../../card/card-input.ts';
import { renderCard } from '../../card/render-card.ts';
import { tagLocally } from '../../enrich/tag-locally.ts';
import { parseBiocJson } from '../../entities/bioc.ts';
import type { AnnotatedDocument } from '../../entities/entity-types.ts';
import { loadVocabulary, type Vocabulary } from '../../entities/vocabulary.ts';
import { buildWorkEntities } from '../../entities/work-entities.ts';
import type { PubmedArticle } from '../../parse/article.ts';
import type { JatsArticle } from '../../parse/full-text.ts';
import { parseJatsXml } from '../../parse/jats-stream.ts';
import { streamPubmedRecords } from '../../parse/pubmed-stream.ts';
import { workKeyFor } from '../../store/doi.ts';
import { writeLine } from '../write-line.ts';

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
 */
export async function cardCommand(files: string[], options: CardOptions): Promise<void> {
  const sides = await loadSideFiles(options);
  let count = 0;
  let failed = 0;
  for (const file of files) {
    const onRecordError = (err: Error) => {
      failed++;
      process.stderr.write(`${file}: ${err.message}\n`);
    };
    for await (const record of streamPubmedRecords(createReadStream(file), { onRecordError })) {
      if (record.kind === 'deleted') continue;
      count++;
      const input = enrichOffline(record, sides);
      if (options.json) await writeLine(JSON.stringify({ key: workKeyFor(record), ...cardJson(input) }));
      else await writeLine(`${count > 1 ? '\n' : ''}${renderCard(input)}`);
    }
  }
  if (failed > 0) process.exitCode = 1;
}

interface SideFiles {
  jats: JatsArticle[];
  bioc: AnnotatedDocument[];
  vocabulary?: Vocabulary;
}

async function loadSideFiles(options: CardOptions): Promise<SideFiles> {
  const jats: JatsArticle[] = [];
  for (const file of options.pmc ?? []) jats.push(...parseJatsXml(await readFile(file, 'utf8')));
  const bioc: AnnotatedDocument[] = [];
  for (const file of options.pubtator ?? []) bioc.push(...parseBiocJson(JSON.parse(await readFile(file, 'utf8'))));
  const vocabulary = options.vocab ? await loadVocabulary(options.vocab) : undefined;
  return { jats, bioc, vocabulary };
}

function enrichOffline(article: PubmedArticle, sides: SideFiles): CardInput {
  const matches = (ids: { pmid?: string; pmcid?: string }) =>
    (ids.pmid !== undefined && ids.pmid === article.pmid) || (article.pmcid !== undefined && ids.pmcid === article.pmcid);
  const jats = sides.jats.find((j) => matches(j.article));
  // The PMC copy may name a PMCID the PubMed record does not give yet.
  const withPmcid = jats && !article.pmcid ? { ...article, pmcid: jats.article.pmcid } : article;
  const document = sides.bioc.find(matches);
  const entities = document
    ? buildWorkEntities(document, sides.vocabulary)
    : sides.vocabulary
      ? tagLocally(sides.vocabulary, withPmcid, jats)
      : undefined;
  return { article: withPmcid, ...(jats ? { fullText: jats.fullText } : {}), ...(entities ? { entities } : {}) };
}
