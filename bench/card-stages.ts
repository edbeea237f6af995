/**
 * Where `litwatch card --json` spends its time, stage by stage, on one efetch file:
 * `node --import tsx bench/card-stages.ts FILE`. Each stage runs on its own over every record
 * (the stages are pure functions of the record), timed with performance.now(), so the figures
 * add up to the pipeline's work without the overlap a sampling profile leaves to be read.
 *
 *   split    read the file and cut it into records (bytes → one string per record)
 *   prune    cut what no field reads (references, affiliations...) out of the record, and lift
 *            the lists the scanner reads (authors, MeSH, abstract, keywords, article ids) out of
 *            what the parser sees
 *   parse    the tree of what is left: simple-tree.ts, or fast-xml-parser where that declines
 *   fields   the typed Article from the tree and the lifted lists (dates, ids, authors, MeSH),
 *            inline markup excluded
 *   inline   inline markup → card form (titles, abstract parts, keywords)
 *   summary  the extractive summary
 *   render   the Markdown card
 *   json     the rest of the JSON object (key, authors, links) and JSON.stringify
 *   output   writing the lines to stdout (a pipe or /dev/null)
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { cardJson } from '../src/card/card-json.ts';
import { renderCard } from '../src/card/render-card.ts';
import { summarise } from '../src/card/summarise.ts';
import type { PubmedArticle } from '../src/parse/article.ts';
import { inlineToCard, inlineToPlain } from '../src/parse/inline-markup.ts';
import { pruneRecord, prunePubmedArticle } from '../src/parse/pubmed-prune.ts';
import { parseRecord } from '../src/parse/pubmed-record.ts';
import { PUBMED_SET, splitStream, type RawRecord } from '../src/parse/pubmed-split.ts';
import { scanSimpleTree } from '../src/parse/simple-tree.ts';
import { parseXmlTree, PUBMED_RAW_SET } from '../src/parse/xml-tree.ts';
import { workKeyFor } from '../src/store/doi.ts';

const file = process.argv[2];
if (!file) throw new Error('usage: bench/card-stages.ts EFETCH.xml');

const stages = { split: 0, prune: 0, parse: 0, fields: 0, inline: 0, summary: 0, render: 0, json: 0, output: 0 };
type Stage = keyof typeof stages;
function timed<T>(stage: Stage, work: () => T): T {
  const started = performance.now();
  const result = work();
  stages[stage] += performance.now() - started;
  return result;
}

/** Raw inline-markup strings of a record, to time inline-markup.ts alone. */
const INLINE = /<(ArticleTitle|VernacularTitle|AbstractText|BookTitle)\b[^>]*>([\s\S]*?)<\/\1>/g;
const KEYWORD = /<Keyword\b[^>]*>([\s\S]*?)<\/Keyword>/g;

const wallStarted = performance.now();
let records = 0;
let bytes = 0;
// 256 KB reads, as litwatch card reads (src/cli/commands/card.ts)
const iterator = splitStream(createReadStream(file, { highWaterMark: 256 * 1024 }), PUBMED_SET)[Symbol.asyncIterator]();
for (;;) {
  const started = performance.now();
  const next = await iterator.next();
  stages.split += performance.now() - started;
  if (next.done) break;
  const raw: RawRecord = next.value;
  if (raw.tag === 'DeleteCitation') continue;
  records++;
  bytes += raw.bytes.length;
  const { prune, parse, inline } = stages;
  // prune: what parseRecord does before the XML parser (cut unused elements, lift the lists)
  const lifted = timed('prune', () => (raw.tag === 'PubmedArticle' ? prunePubmedArticle(raw.bytes).xml : pruneRecord(raw)));
  const pruned = pruneRecord(raw); // (untimed: the inline stage's input)
  timed('parse', () => (raw.tag === 'PubmedArticle' && scanSimpleTree(lifted, PUBMED_RAW_SET)) || parseXmlTree(lifted));
  timed('inline', () => {
    for (const m of pruned.matchAll(INLINE)) inlineToCard(m[2] ?? '');
    for (const m of pruned.matchAll(KEYWORD)) inlineToPlain(m[1] ?? '');
  });
  const renderBefore = stages.render;
  // parseRecord prunes, parses and reads inline markup again: fields is what it adds to those.
  const article = timed('fields', () => parseRecord(raw) as PubmedArticle);
  stages.fields -= stages.prune - prune + stages.parse - parse + stages.inline - inline;
  const summary = timed('summary', () => summarise(article));
  timed('render', () => renderCard({ article }, summary));
  // cardJson is handed the summary and renders the card again: json is what it adds to the render.
  const line = timed('json', () => JSON.stringify({ key: workKeyFor(article), ...cardJson({ article, summary }) }));
  stages.json -= stages.render - renderBefore;
  const written = performance.now();
  if (!process.stdout.write(`${line}\n`)) await once(process.stdout, 'drain');
  stages.output += performance.now() - written;
}
const wall = performance.now() - wallStarted;
const total = Object.values(stages).reduce((a, b) => a + b, 0);
const lines = [
  `${file}: ${records} records, ${(bytes / 1e6).toFixed(1)} MB of record XML, stages sum ${(total / 1000).toFixed(2)} s (wall ${(wall / 1000).toFixed(2)} s with the doubled work)`,
];
for (const [stage, ms] of Object.entries(stages) as [Stage, number][]) {
  lines.push(
    `  ${stage.padEnd(8)} ${(ms / 1000).toFixed(2).padStart(6)} s ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${((1000 * ms) / records).toFixed(0).padStart(5)} µs/record`,
  );
}
process.stderr.write(`${lines.join('\n')}\n`);
