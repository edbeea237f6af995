import type { CardEntity, LinkedDisease, WorkEntities } from '../entities/entity-types.ts';
import type { AbstractPart, Article, Author } from '../parse/article.ts';
import { codePointLength, cutInline, cutMark, cutText } from '../text/cut-text.ts';
import type { CardInput } from './card-input.ts';
import type { CardSummary } from './summarise.ts';

/**
 * How much of a stored record a card, a work page, a feed or a digest shows. The store keeps
 * the record whole (`litwatch export` has every character); what is read from it to be shown
 * is cut here, with a mark saying how much is left out, so that one record holding megabytes
 * (issue 18: a 5 MB title made a 14 MB digest that the mail server refused, for every reader
 * of its watch, for 90 days) costs no more than a long real one.
 *
 * Each cap sits above what real records reach, so a real record is cut almost never:
 * - title: the longest of 104,161 PMC titles (2016-2021) is 1,097 characters, the median 103
 *   (quantifyinghealth.com/research-title-length); twice the longest.
 * - abstract: MEDLINE's own system held at most 4,096 characters (about 600 words) when it
 *   stopped cutting abstracts in 1996 (NLM, quoted in BMJ 2009;339:b2535 rapid response);
 *   structured abstracts run to 400 words; five times the old system limit.
 * - authors: NLM's baseline statistics (nlm.nih.gov/bsd/authors1.html, 2023) give a maximum of
 *   5,154 personal authors on one citation; PubMed found 571 of 35 million citations with more
 *   than 1,000 (NLM Tech Bull 2023 Mar-Apr (451):e1, where PubMed's own summary view cuts the
 *   list at 1,200 characters). A card lists up to 1,000, then says how many more.
 * - entity lists: one line per type; 200 distinct genes or chemicals are more than a reader
 *   scans (a judgement, no statistic behind it; the digest shows 5 chips). A subscriber's
 *   entity filter reads the shown lists too, so an entity past the 200th of its kind is not
 *   matched.
 * - names (an author, an entity, a journal, a label): 300 characters, where the recorded
 *   responses in ../shared/fixtures reach 118 (a CollectiveName) and 100 (a journal Title).
 */
export const CARD_CAPS = {
  titleChars: 2_000,
  abstractChars: 20_000,
  abstractLabelChars: 200,
  authors: 1_000,
  nameChars: 300,
  entitiesPerList: 200,
  summaryChars: 2_000,
  findings: 10,
  /** Lists a card does not show but a view carries (keywords, MeSH, types, comments). */
  listItems: 200,
  /** Every other string of the record (journal, pages, dates, ids). */
  fieldChars: 500,
} as const;

type EntityCuts = NonNullable<WorkEntities['cut']>;

/** The card input as it may be shown: every field within CARD_CAPS, the same object when nothing exceeds them. */
export function boundedCardInput(input: CardInput): CardInput {
  const article = boundedArticle(input.article);
  const entities = input.entities && boundedEntities(input.entities);
  const summary = input.summary && boundedSummary(input.summary);
  const fullText = input.fullText && boundedFullText(input.fullText);
  if (article === input.article && entities === input.entities && summary === input.summary && fullText === input.fullText) return input;
  return {
    ...input,
    article,
    ...(entities ? { entities } : {}),
    ...(summary ? { summary } : {}),
    ...(fullText ? { fullText } : {}),
  };
}

export function boundedArticle(article: Article): Article {
  const { titleChars, fieldChars, listItems } = CARD_CAPS;
  const text = (value: string) => cutText(value, fieldChars);
  const bounded: Article = {
    ...article,
    title: cutInline(article.title, titleChars),
    ...(article.vernacularTitle !== undefined ? { vernacularTitle: cutInline(article.vernacularTitle, titleChars) } : {}),
    abstract: boundedAbstract(article.abstract),
    authors: boundedAuthors(article.authors),
    journal: mapStrings(article.journal, fieldChars),
    languages: boundList(article.languages, listItems, text),
    publicationTypes: boundList(article.publicationTypes, listItems, text),
    keywords: boundList(article.keywords, listItems, text),
    mesh: boundList(article.mesh, listItems, (heading) => {
      const name = text(heading.name);
      const qualifiers = boundList(heading.qualifiers, listItems, (q) => mapStrings(q, fieldChars));
      return name === heading.name && qualifiers === heading.qualifiers ? heading : { ...heading, name, qualifiers };
    }),
    comments: boundList(article.comments, listItems, (comment) => mapStrings(comment, fieldChars)),
  };
  for (const field of ['pmid', 'doi', 'pmcid', 'pages', 'medlineDate', 'status'] as const) {
    const value = article[field];
    if (value !== undefined && value.length > fieldChars) bounded[field] = text(value);
  }
  return sameShallow(article, bounded) ? article : bounded;
}

/**
 * Parts in order until the abstract's characters are spent; the part that crosses is cut, its
 * mark counting the later parts too. The same array when nothing is cut.
 */
export function boundedAbstract(parts: readonly AbstractPart[], max: number = CARD_CAPS.abstractChars): AbstractPart[] {
  const out: AbstractPart[] = [];
  let changed = false;
  let left = max;
  for (const [i, part] of parts.entries()) {
    const label = part.label !== undefined ? cutText(part.label, CARD_CAPS.abstractLabelChars) : undefined;
    if (part.text.length <= left) {
      out.push(label === part.label ? part : { ...part, label });
      changed ||= label !== part.label;
      left -= part.text.length;
      continue;
    }
    const later = parts.slice(i + 1).reduce((sum, p) => sum + codePointLength(p.text), 0);
    out.push({ ...part, ...(label !== undefined ? { label } : {}), text: cutInline(part.text, left, later) });
    changed = true;
    break;
  }
  return changed ? out : (parts as AbstractPart[]);
}

/** The first CARD_CAPS.authors, each name cut; then one entry naming how many more there are (it prints as the list's last name). */
export function boundedAuthors(authors: readonly Author[]): Author[] {
  const { authors: max, nameChars } = CARD_CAPS;
  const shown = boundList(authors, max, (author) => mapStrings(author, nameChars));
  return authors.length > max ? [...shown, { collectiveName: cutMark(authors.length - max, 'authors') }] : shown;
}

export function boundedEntities(entities: WorkEntities): WorkEntities {
  const cut: EntityCuts = {};
  const bound = <T extends CardEntity | LinkedDisease>(key: keyof EntityCuts, items: T[]): T[] => {
    if (items.length > CARD_CAPS.entitiesPerList) cut[key] = items.length - CARD_CAPS.entitiesPerList;
    return boundList(items, CARD_CAPS.entitiesPerList, (item) => mapStrings(item, CARD_CAPS.nameChars));
  };
  const bounded: WorkEntities = {
    ...entities,
    diseases: bound('diseases', entities.diseases),
    chemicals: bound('chemicals', entities.chemicals),
    genes: bound('genes', entities.genes),
    species: bound('species', entities.species),
    linkedDiseases: bound('linkedDiseases', entities.linkedDiseases),
    ...(Object.keys(cut).length > 0 ? { cut } : {}),
  };
  return sameShallow(entities, bounded) ? entities : bounded;
}

export function boundedSummary(summary: CardSummary): CardSummary {
  const max = CARD_CAPS.summaryChars;
  const bounded: CardSummary = {
    ...summary,
    ...(summary.tldr !== undefined ? { tldr: cutInline(summary.tldr, max) } : {}),
    ...(summary.contribution !== undefined ? { contribution: cutInline(summary.contribution, max) } : {}),
    findings: boundList(summary.findings, CARD_CAPS.findings, (finding) => cutInline(finding, max)),
  };
  return sameShallow(summary, bounded) ? summary : bounded;
}

function boundedFullText(fullText: NonNullable<CardInput['fullText']>): NonNullable<CardInput['fullText']> {
  const { graphicalAbstract } = fullText;
  if (graphicalAbstract === undefined || graphicalAbstract.length <= CARD_CAPS.abstractChars) return fullText;
  return { ...fullText, graphicalAbstract: cutInline(graphicalAbstract, CARD_CAPS.abstractChars) };
}

/** The first `max` items, each bounded; the same array when nothing changed. */
function boundList<T>(items: readonly T[], max: number, bound: (item: T) => T): T[] {
  const kept = items.length > max ? items.slice(0, max) : items;
  let changed = kept !== items;
  const out = kept.map((item) => {
    const bounded = bound(item);
    changed ||= bounded !== item;
    return bounded;
  });
  return changed ? out : (items as T[]);
}

/** Every string property cut to `max` characters; the same object when none is longer. */
function mapStrings<T extends object>(value: T, max: number): T {
  let copy: T | undefined;
  for (const [key, field] of Object.entries(value)) {
    if (typeof field === 'string' && field.length > max) {
      copy ??= { ...value };
      (copy as Record<string, unknown>)[key] = cutText(field, max);
    }
  }
  return copy ?? value;
}

/** Equal when each property is the very same value (the bounders return what they did not change). */
function sameShallow(a: object, b: object): boolean {
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return [...new Set([...Object.keys(left), ...Object.keys(right)])].every((key) => left[key] === right[key]);
}
