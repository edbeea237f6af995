import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { readMeshDescriptors, readMeshSupplementary, readSssomMappings, readTaxonomyObo } from './vocab-sources.ts';
import { DISEASES, formatTable, MAPPINGS, parseTable, SPECIES, type MappingRow, type TableSpec } from './vocabulary-files.ts';

/**
 * `litwatch vocab sync`: downloads the public sources and writes diseases.tsv, species.tsv and
 * mesh_to_mondo.tsv into the vocabulary folder, in the format load-vocabulary.ts reads. All
 * three files are checked and written to temporary names first and only then renamed into
 * place, so a failed download or a changed source format leaves the old vocabulary whole.
 */

export interface VocabSources {
  /**
   * The folder NLM publishes MeSH's ASCII files in, one pair a year (`d2026.bin`, `c2026.bin`).
   * @defaultValue `https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/asciimesh/`
   */
  meshFolder: string;
  /** MeSH descriptors, ASCII format; when left out, this year's `d{year}.bin` in `meshFolder`, else last year's (see meshYearFiles). */
  meshDescriptors?: string;
  /** MeSH supplementary concept records, ASCII format; when left out, `c{year}.bin` of the same year as the descriptors. */
  meshSupplementary?: string;
  /**
   * MONDO↔MeSH SSSOM files, best first: a pair found in two files keeps the first one's predicate.
   * @defaultValue MONDO's exactMatch file, `…/mondo/master/src/ontology/mappings/mondo_exactmatch_mesh.sssom.tsv`
   */
  mondoMappings: string[];
  /** NCBITaxon taxslim subset, OBO format. @defaultValue the latest ncbitaxon release's `taxslim.obo` */
  taxonomy: string;
}

export const DEFAULT_VOCAB_SOURCES: Readonly<VocabSources> = Object.freeze({
  meshFolder: 'https://nlmpubs.nlm.nih.gov/projects/mesh/MESH_FILES/asciimesh/',
  mondoMappings: ['https://raw.githubusercontent.com/monarch-initiative/mondo/master/src/ontology/mappings/mondo_exactmatch_mesh.sssom.tsv'],
  taxonomy: 'https://github.com/obophenotype/ncbitaxon/releases/latest/download/taxslim.obo',
});

export interface VocabSyncOptions {
  /** The vocabulary folder (`LITWATCH_VOCAB`); created when missing. */
  dir: string;
  /** Any source left out takes its public default. */
  sources?: Partial<VocabSources>;
  /** Progress lines: bytes downloaded per source, then what was written. @defaultValue stderr */
  log?: (line: string) => void;
  /** "Today", whose year picks the MeSH files. @defaultValue the clock */
  now?: Date;
}

export interface VocabSyncResult {
  diseases: number;
  species: number;
  mappings: number;
  /** Bytes downloaded over all sources. */
  bytes: number;
}

export async function syncVocabulary(options: VocabSyncOptions): Promise<VocabSyncResult> {
  const sources = { ...DEFAULT_VOCAB_SOURCES, ...options.sources };
  const log = options.log ?? ((line: string) => void process.stderr.write(`${line}\n`));
  const download = new Download(log);
  const mesh = await meshFiles(sources, options.now ?? new Date(), log);
  const descriptors = await readMeshDescriptors(download.lines(mesh.descriptors));
  const supplementary = await readMeshSupplementary(download.lines(mesh.supplementary), descriptors.idByName);
  const mappings = await collectMappings(download, sources.mondoMappings);
  const species = await readTaxonomyObo(download.lines(sources.taxonomy));
  const diseases = [...descriptors.rows, ...supplementary];
  const synced = `vocab sync ${new Date().toISOString().slice(0, 10)}`;
  await writeAtomically(options.dir, [
    table(DISEASES, diseases, `MeSH ${fileName(mesh.descriptors)} + ${fileName(mesh.supplementary)} (${synced})`),
    table(SPECIES, species, `NCBITaxon ${fileName(sources.taxonomy)} (${synced})`),
    table(MAPPINGS, mappings, `MONDO ${sources.mondoMappings.map(fileName).join(' + ')} (${synced})`),
  ]);
  log(`vocab sync: wrote ${diseases.length} diseases, ${species.length} species, ${mappings.length} MeSH→MONDO mappings to ${options.dir}`);
  return { diseases: diseases.length, species: species.length, mappings: mappings.length, bytes: download.bytes };
}

/**
 * The MeSH files to read: the ones given, else this year's pair in the MeSH folder, or last
 * year's while this year's is not published yet (a 404 for `d{year}.bin`). No year is pinned, so
 * a sync next January takes next year's MeSH by itself.
 */
export async function meshFiles(sources: VocabSources, now: Date, log: (line: string) => void): Promise<{ descriptors: string; supplementary: string }> {
  if (sources.meshDescriptors && sources.meshSupplementary) return { descriptors: sources.meshDescriptors, supplementary: sources.meshSupplementary };
  const year = now.getUTCFullYear();
  const pair = (y: number) => ({
    descriptors: sources.meshDescriptors ?? new URL(`d${y}.bin`, sources.meshFolder).href,
    supplementary: sources.meshSupplementary ?? new URL(`c${y}.bin`, sources.meshFolder).href,
  });
  const current = pair(year);
  const status = await statusOf(current.descriptors);
  if (status !== 404) return current; // published (or failing otherwise: the download then says how)
  log(`MeSH ${year} is not published yet (${fileName(current.descriptors)}: HTTP 404); using MeSH ${year - 1}`);
  return pair(year - 1);
}

/** The HTTP status of a GET, without reading the body (HEAD is not answered by every mirror). */
async function statusOf(url: string): Promise<number | undefined> {
  try {
    const response = await fetch(url);
    await response.body?.cancel();
    return response.status;
  } catch {
    return undefined;
  }
}

async function collectMappings(download: Download, urls: string[]): Promise<MappingRow[]> {
  const rows: MappingRow[] = [];
  const seen = new Set<string>();
  for (const url of urls) {
    for await (const row of readSssomMappings(download.lines(url), url)) {
      const pair = `${row.meshId} ${row.mondoId}`;
      if (!seen.has(pair)) rows.push(row);
      seen.add(pair);
    }
  }
  return rows;
}

/** Streams each source line by line, counting bytes and logging progress about once a second. */
class Download {
  bytes = 0;

  constructor(private readonly log: (line: string) => void) {}

  async *lines(url: string): AsyncGenerator<string> {
    const response = await fetch(url).catch((error: Error) => {
      throw new Error(`vocab sync: GET ${url} failed: ${error.message}`, { cause: error });
    });
    if (!response.ok || !response.body) throw new Error(`vocab sync: GET ${url} answered HTTP ${response.status}`);
    const name = fileName(url);
    const size = Number(response.headers.get('content-length'));
    const of = size > 0 ? ` of ${megabytes(size)}` : '';
    const decoder = new TextDecoder();
    let received = 0;
    let loggedAt = performance.now();
    let pending = '';
    for await (const chunk of response.body) {
      received += chunk.byteLength;
      if (performance.now() - loggedAt > 1000) {
        this.log(`${name}: ${megabytes(received)}${of} MB`);
        loggedAt = performance.now();
      }
      const lines = (pending + decoder.decode(chunk, { stream: true })).split('\n');
      pending = lines.pop()!;
      yield* lines.map(withoutCr);
    }
    pending += decoder.decode();
    if (pending !== '') yield withoutCr(pending);
    this.bytes += received;
    this.log(`${name}: ${megabytes(received)} MB downloaded`);
  }
}

const withoutCr = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
const megabytes = (bytes: number) => (bytes / 1e6).toFixed(1);
const fileName = (url: string) => path.basename(new URL(url).pathname);

/** The file's text, read back through the loader's parser so sync never writes what load would refuse. */
function table<Row>(spec: TableSpec<Row>, rows: Row[], source: string): { name: string; text: string } {
  const text = formatTable(spec, rows, source);
  parseTable(spec, text, spec.file);
  return { name: spec.file, text };
}

async function writeAtomically(dir: string, files: { name: string; text: string }[]): Promise<void> {
  await mkdir(dir, { recursive: true });
  const temporary = files.map((file) => path.join(dir, `.${file.name}.${process.pid}.tmp`));
  try {
    await Promise.all(files.map((file, i) => writeFile(temporary[i]!, file.text)));
    for (const [i, file] of files.entries()) await rename(temporary[i]!, path.join(dir, file.name));
  } finally {
    await Promise.all(temporary.map((file) => rm(file, { force: true })));
  }
}
