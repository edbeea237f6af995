import type { EntityType } from './entity-types.ts';
import { tokenize, type Token } from './text-keys.ts';

/**
 * The tagger's lookup structure: a trie over token keys (text-keys.ts), built once from the
 * vocabulary's names. Each phrase ends at a node holding its entries, best first.
 */

/** How much a name is trusted when two identifiers share it; lower wins. */
export const Priority = {
  /** Words PubTator maps to a host species ("patients" → human). */
  host: 0,
  /** MeSH preferred name, species scientific or common name. */
  name: 1,
  synonym: 2,
  /** diseases.tsv corpus_mentions: annotator strings, some context-bound (PROVENANCE.md). */
  corpus: 3,
} as const;

export interface DictionaryEntry {
  type: EntityType;
  id: string;
  priority: number;
  /**
   * Set for acronym-like names (two capitals, a digit, or three letters at most), which match
   * only as written: "AIDS" is the disease, "aids" a verb; "ALL" a leukaemia, "all" is not.
   */
  exact?: string;
}

export interface TrieNode {
  /** Children by token key; a lone child (most nodes) as a pair, a Map costing ~8× more. */
  next?: Map<string, TrieNode> | [string, TrieNode];
  entries?: DictionaryEntry[];
}

export interface Dictionary {
  root: TrieNode;
}

/**
 * Names that are everyday words in articles and would be tagged everywhere, as token keys
 * joined by spaces. "disease", "syndrome" and "disease progression" are MeSH headings that
 * PubTator does not tag as such; the others are MEDIC or taxonomy synonyms whose everyday sense
 * wins in a paper ("fits" for seizures, "rape" for Brassica napus).
 */
const NOT_TAGGED = new Set(
  ['disease', 'syndrome', 'disease progression', 'fits', 'bends', 'hyper', 'sting', 'aura', 'arson', 'cruor', 'rape'].map((name) =>
    tokenize(name)
      .map((token) => token.key)
      .join(' '),
  ),
);

export function emptyDictionary(): Dictionary {
  return { root: emptyNode() };
}

/** Both fields declared up front, so every node has one compact shape (~100k nodes). */
function emptyNode(): TrieNode {
  return { next: undefined, entries: undefined };
}

/** Adds a vocabulary name (MeSH or taxonomy style) under every form it can take in prose. */
export function addName(dictionary: Dictionary, name: string, entry: DictionaryEntry): void {
  for (const form of proseForms(name)) {
    const tokens = tokenize(form);
    if (tokens.length === 0 || tokens.some((token, i) => i > 0 && token.before !== 'none')) continue;
    if (NOT_TAGGED.has(tokens.map((token) => token.key).join(' '))) continue;
    const exact = tokens.length === 1 && acronymLike(tokens[0]!.raw) ? tokens[0]!.raw : undefined;
    insert(dictionary.root, tokens, exact ? { ...entry, exact } : entry);
  }
}

/**
 * MeSH writes inverted names ("Fractures, Bone", "Carcinoma, Non-Small-Cell Lung") that prose
 * never uses: one comma is read as an inversion and turned round. Names with several commas
 * are OMIM titles ("Bile acid synthesis defect, congenital, 4") no text repeats verbatim, and
 * parenthesised qualifiers ("… (Kidney)") are dropped.
 */
export function proseForms(name: string): string[] {
  if (!name.includes('(') && !name.includes(',')) return [name];
  const plain = name.replace(/\s*\([^()]*\)/g, '').trim();
  if (/[()]/.test(plain)) return [];
  const parts = plain.split(/\s*,\s*/);
  if (parts.length === 1) return [plain];
  return parts.length === 2 ? [`${parts[1]} ${parts[0]}`] : [];
}

function acronymLike(word: string): boolean {
  return word.length <= 3 || /\d/.test(word) || (word.match(/\p{Lu}/gu)?.length ?? 0) >= 2;
}

function insert(root: TrieNode, tokens: Token[], entry: DictionaryEntry): void {
  let node = root;
  for (const token of tokens) node = child(node, token.key) ?? addChild(node, token.key);
  const same = (e: DictionaryEntry) => e.id === entry.id && e.type === entry.type && e.exact === entry.exact;
  if (node.entries?.some((e) => same(e) && e.priority <= entry.priority)) return;
  // A name met again with a better priority (a host word that is also a synonym) moves up.
  const entries = (node.entries ?? []).filter((e) => !same(e));
  // Stable: among equal priorities the first added (file order, diseases before species) wins.
  // concat sizes the array exactly; a pushed-to one keeps ~16 spare slots, and there are ~55k.
  const at = entries.findIndex((e) => e.priority > entry.priority);
  node.entries = at === -1 ? entries.concat([entry]) : entries.slice(0, at).concat([entry], entries.slice(at));
}

function child(node: TrieNode, key: string): TrieNode | undefined {
  const next = node.next;
  if (Array.isArray(next)) return next[0] === key ? next[1] : undefined;
  return next?.get(key);
}

function addChild(node: TrieNode, key: string): TrieNode {
  const added = emptyNode();
  const next = node.next;
  if (!next) node.next = [key, added];
  else if (Array.isArray(next)) node.next = new Map([next, [key, added]]);
  else next.set(key, added);
  return added;
}

export interface DictionaryMatch {
  /** Token indices, end exclusive. */
  start: number;
  end: number;
  entry: DictionaryEntry;
}

/** The longest phrase starting at token `start`, never crossing punctuation. */
export function longestMatch(dictionary: Dictionary, tokens: Token[], start: number): DictionaryMatch | undefined {
  let node: TrieNode | undefined = dictionary.root;
  let best: DictionaryMatch | undefined;
  for (let i = start; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (i > start && token.before !== 'none') break;
    node = child(node, token.key);
    if (!node) break;
    const entry = node.entries && accepted(node.entries, tokens, start, i + 1);
    if (entry) best = { start, end: i + 1, entry };
  }
  return best;
}

function accepted(entries: DictionaryEntry[], tokens: Token[], start: number, end: number): DictionaryEntry | undefined {
  return entries.find((e) => e.exact === undefined || (end - start === 1 && tokens[start]!.raw === e.exact));
}

/** Entries of a whole phrase given as token keys (case-insensitive entries only). */
export function phraseEntries(dictionary: Dictionary, keys: string[]): DictionaryEntry[] {
  let node: TrieNode | undefined = dictionary.root;
  for (const key of keys) {
    node = child(node, key);
    if (!node) return [];
  }
  return (node.entries ?? []).filter((e) => e.exact === undefined);
}

/** Every phrase of the dictionary found inside these tokens, overlapping ones included. */
export function phrasesWithin(dictionary: Dictionary, tokens: Token[]): DictionaryMatch[] {
  const found: DictionaryMatch[] = [];
  for (let start = 0; start < tokens.length; start++) {
    let node: TrieNode | undefined = dictionary.root;
    for (let i = start; i < tokens.length && node; i++) {
      node = child(node, tokens[i]!.key);
      for (const entry of node?.entries ?? []) if (entry.exact === undefined) found.push({ start, end: i + 1, entry });
    }
  }
  return found;
}
