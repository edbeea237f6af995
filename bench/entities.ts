/**
 * `node --expose-gc --import tsx bench/entities.ts`: the offline tagger measured with the shared
 * lexicon (../shared/lexicon) as its vocabulary. Prints
 * - the vocabulary's load time and memory (RSS delta, and heap delta after GC when --expose-gc);
 * - precision and recall of the disease and species ids the tagger finds, unique ids per
 *   document, against PubTator3's ids on the two recorded exports and against the seed card's
 *   Full-text entities on the seed's abstract (per document, then pooled over the three);
 * - tagging throughput in abstracts per second, over those three and every abstract of the
 *   recorded PubMed efetch responses (../shared/fixtures/ncbi/pubmed-efetch).
 * Nothing is asserted; it exits quietly when the shared folder is not there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBiocJson } from '../src/entities/bioc.ts';
import type { EntityType, Mention } from '../src/entities/entity-types.ts';
import { tagText, type Passage } from '../src/entities/tagger.ts';
import { loadVocabulary, type Vocabulary } from '../src/entities/vocabulary.ts';
import type { PubmedRecord } from '../src/parse/article.ts';
import { parsePubmedXml } from '../src/parse/pubmed-stream.ts';
import { cardTextToPlain } from '../src/text/card-text-to-plain.ts';
import { mb } from './measure.ts';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const shared = path.resolve(projectRoot, '..', 'shared');
const TYPES: EntityType[] = ['Disease', 'Species'];
const THROUGHPUT_SECONDS = 3;

interface Sample {
  name: string;
  passages: Passage[];
  gold: Record<string, Set<string>>;
}

if (!existsSync(path.join(shared, 'lexicon'))) {
  console.log(`no shared lexicon at ${path.join(shared, 'lexicon')}: nothing to measure`);
  process.exit(0);
}

const vocabulary = await measureLoad();
const samples = [pubtatorSample('20516115'), pubtatorSample('22663011'), seedSample()];
reportAccuracy(vocabulary, samples);
reportThroughput(vocabulary, [...samples.map((sample) => sample.passages), ...recordedAbstracts()]);

async function measureLoad(): Promise<Vocabulary> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const loaded = await loadVocabulary(path.join(shared, 'lexicon'));
  const seconds = (performance.now() - started) / 1000;
  gc?.();
  const after = process.memoryUsage();
  const { diseases, species, mappings } = loaded.counts;
  console.log(`Vocabulary: ${diseases} diseases, ${species} species, ${mappings} MeSH→MONDO mappings`);
  const heap = gc ? `heap +${mb(after.heapUsed - before.heapUsed).toFixed(1)} MB after GC` : 'heap not measured (run with --expose-gc)';
  console.log(`  load ${seconds.toFixed(2)} s, RSS +${mb(after.rss - before.rss).toFixed(1)} MB, ${heap}\n`);
  return loaded;
}

function pubtatorSample(pmid: string): Sample {
  const file = path.join(shared, 'fixtures', 'ncbi', 'pubtator', `biomcp-pubtator3-biocjson-${pmid}.json`);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { PubTator3: { passages: Passage[] }[] };
  const passages = json.PubTator3[0]!.passages.map(({ text, offset }) => ({ text, offset }));
  return { name: `PMID ${pmid}`, passages, gold: idsByType(parseBiocJson(json)[0]!.mentions) };
}

/** The seed card's abstract section, and its Full-text entities as the expected ids. */
function seedSample(): Sample {
  const card = readFileSync(path.join(shared, 'format', 'seed-card.md'), 'utf8');
  const abstract = card.split('## Abstract\n')[1]!.split('\n## ')[0]!.trim();
  const entities = card.split('## Full-text entities\n')[1]!.split('\n## ')[0]!;
  const diseaseLine = entities.split('\n').find((line) => line.startsWith('- **Diseases:**')) ?? '';
  return {
    name: 'seed card',
    passages: [{ text: abstract, offset: 0 }],
    gold: {
      Disease: new Set([...diseaseLine.matchAll(/\((MESH:[CD]\d+)\)/g)].map((m) => m[1]!)),
      Species: new Set([...entities.matchAll(/\[taxon (\d+)\]/g)].map((m) => m[1]!)),
    },
  };
}

function idsByType(mentions: Mention[]): Record<string, Set<string>> {
  return Object.fromEntries(TYPES.map((type) => [type, new Set(mentions.filter((m) => m.type === type).map((m) => m.id))]));
}

function reportAccuracy(vocab: Vocabulary, all: Sample[]): void {
  console.log('Offline tagger vs reference ids (unique ids per document; a coordinated span counts under its first id)');
  console.log(`  ${'document'.padEnd(14)} ${'type'.padEnd(8)} gold found   tp  precision  recall  missed / extra`);
  const pooled = new Map([...TYPES, 'all'].map((key) => [key, { gold: 0, found: 0, tp: 0 }]));
  for (const sample of all) {
    const found = idsByType(tagText(vocab, sample.passages));
    for (const type of TYPES) {
      const gold = sample.gold[type]!;
      const got = found[type]!;
      const tp = [...got].filter((id) => gold.has(id)).length;
      const missed = [...gold].filter((id) => !got.has(id));
      const extra = [...got].filter((id) => !gold.has(id));
      console.log(`  ${sample.name.padEnd(14)} ${type.padEnd(8)} ${row(gold.size, got.size, tp)}  ${missed.join(' ') || '-'} / ${extra.join(' ') || '-'}`);
      for (const key of [type, 'all']) {
        const sum = pooled.get(key)!;
        pooled.set(key, { gold: sum.gold + gold.size, found: sum.found + got.size, tp: sum.tp + tp });
      }
    }
  }
  for (const [key, sum] of pooled) console.log(`  ${'pooled'.padEnd(14)} ${key.padEnd(8)} ${row(sum.gold, sum.found, sum.tp)}`);
  console.log();
}

function row(gold: number, found: number, tp: number): string {
  const ratio = (n: number, d: number) => (d === 0 ? '-' : (n / d).toFixed(2));
  return `${String(gold).padStart(4)} ${String(found).padStart(5)} ${String(tp).padStart(4)} ${ratio(tp, found).padStart(10)} ${ratio(tp, gold).padStart(7)}`;
}

/** Title and abstract of every record in the recorded efetch responses, laid end to end. */
function recordedAbstracts(): Passage[][] {
  const dir = path.join(shared, 'fixtures', 'ncbi', 'pubmed-efetch');
  const records: PubmedRecord[] = readdirSync(dir)
    .filter((file) => file.endsWith('.xml'))
    .flatMap((file) => parsePubmedXml(readFileSync(path.join(dir, file), 'utf8'), { onRecordError: () => {} }));
  return records.flatMap((record) => {
    if (record.kind === 'deleted' || record.abstract.length === 0) return [];
    let offset = 0;
    return [
      [record.title, ...record.abstract.map((part) => part.text)].map((text) => {
        const passage = { text: cardTextToPlain(text), offset };
        offset += passage.text.length + 1;
        return passage;
      }),
    ];
  });
}

/** Every abstract tagged in turn, each call a separate document, for a few seconds. */
function reportThroughput(vocab: Vocabulary, abstracts: Passage[][]): void {
  const chars = abstracts.reduce((sum, passages) => sum + passages.reduce((n, p) => n + p.text.length, 0), 0) / abstracts.length;
  let tagged = 0;
  const started = performance.now();
  while (performance.now() - started < THROUGHPUT_SECONDS * 1000) {
    for (const passages of abstracts) {
      tagText(vocab, passages);
      tagged++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `Throughput: ${abstracts.length} different abstracts (${chars.toFixed(0)} characters on average), ${tagged} tagged in ${seconds.toFixed(1)} s = ${(tagged / seconds).toFixed(0)} abstracts/s`,
  );
}
