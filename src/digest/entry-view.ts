import type { CardInput } from '../card/card-input.ts';
import { formatAuthor } from '../card/card-authors.ts';
import { articleDate } from '../card/card-date.ts';
import { collapseSpace } from '../card/collapse-space.ts';
import { summarise } from '../card/summarise.ts';
import type { WorkEntities } from '../entities/entity-types.ts';
import type { NoticeKind } from '../notices/work-notice.ts';
import type { Article } from '../parse/article.ts';
import { cutInline, cutText } from '../text/cut-text.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';

/**
 * One work as a digest lists it: a compact entry (issue 10) that fits a phone screen, where the
 * full card lives on the work's page. Everything here is in card inline form (CARD.md), like a
 * card view, so the email's HTML and text parts and the web's "read all" page each write it
 * their own way from the same data. Lines with nothing to say are left out, not filled with
 * "not stated".
 */
export interface DigestEntryView {
  title: string;
  /** The work's page on litwatch. */
  url: string;
  /** First three authors, then "et al."; empty when the record names none. */
  authors: string;
  /** `journal · date · publication type`, the parts the record has. */
  meta: string;
  /** The one-sentence TL;DR, when the abstract (or the summariser) gives one. */
  tldr?: string;
  /** Up to five: diseases first, then species. */
  chips: string[];
  /** Retracted, erratum, expression of concern. */
  badges: string[];
  openAccess: boolean;
  /** The watch this entry is listed under. */
  watch: string;
}

export const MAX_AUTHORS = 3;
export const MAX_CHIPS = 5;
/**
 * An entry's own caps, below the card's (src/card/bounded-card.ts, which the work already went
 * through): the TL;DR is one sentence (real ones stay under a few hundred characters, an
 * abstract without a full stop would make it the whole abstract), a chip is a disease or
 * species name.
 */
export const ENTRY_CAPS = { tldrChars: 600, chipChars: 80 } as const;

const BADGES: Readonly<Record<NoticeKind, string>> = {
  retracted: 'Retracted',
  erratum: 'Erratum',
  'expression of concern': 'Expression of concern',
  'corrected and republished': 'Corrected and republished',
  'retracted and republished': 'Retracted and republished',
};

/** Types that say nothing a reader can use: every PubMed article is a "Journal Article". */
const GENERIC_TYPE = /^(journal article|research support\b.*|english abstract)$/i;

export function digestEntryView(card: CardInput, url: string, watch: string): DigestEntryView {
  const { article } = card;
  const summary = (card.summary ?? summarise(article)).tldr;
  const tldr = summary && cutInline(summary, ENTRY_CAPS.tldrChars);
  return {
    title: collapseSpace(article.title),
    url,
    authors: shortAuthors(article),
    meta: [escapeTagOpeners(collapseSpace(article.journal.title)), articleDate(article), publicationType(article)].filter(Boolean).join(' · '),
    ...(tldr ? { tldr } : {}),
    chips: entityChips(card.entities),
    badges: [...new Set((card.notices ?? []).map((n) => BADGES[n.kind]))],
    openAccess: isOpenAccess(card),
    watch: escapeTagOpeners(watch),
  };
}

function shortAuthors(article: Article): string {
  const names = article.authors
    .map(formatAuthor)
    .filter((name) => name !== '')
    .map(escapeTagOpeners);
  return names.length > MAX_AUTHORS ? `${names.slice(0, MAX_AUTHORS).join(', ')} et al.` : names.join(', ');
}

/** The most telling type: the first that is not generic ("Review", "Randomized Controlled Trial"). */
export function publicationType(article: Article): string | undefined {
  return article.publicationTypes.find((type) => !GENERIC_TYPE.test(type)) ?? article.publicationTypes[0];
}

/**
 * Diseases the paper is about (MONDO labels, most specific first, then the diseases mentioned),
 * then species by their common name; one slot is kept for a species when there is one, since
 * "in mice" or "in patients" is what a reader scans for.
 */
export function entityChips(entities: WorkEntities | undefined): string[] {
  if (!entities) return [];
  const seen = new Set<string>();
  const unique = (names: string[]) =>
    names
      .map((name) => collapseSpace(name))
      .filter((name) => {
        const key = name.toLowerCase();
        if (!name || seen.has(key)) return false;
        seen.add(key);
        return true;
      });
  const diseases = unique([...entities.linkedDiseases.map((d) => d.label), ...entities.diseases.map((d) => d.mention)]);
  const species = unique(entities.species.map((s) => s.commonName ?? s.scientificName ?? s.mention));
  const diseaseSlots = species.length > 0 ? MAX_CHIPS - 1 : MAX_CHIPS;
  const chosen = diseases.slice(0, diseaseSlots);
  return [...chosen, ...species.slice(0, MAX_CHIPS - chosen.length)].map((name) => escapeTagOpeners(cutText(name, ENTRY_CAPS.chipChars)));
}

/** Open access when PMC has the full text (a PMCID, and PMC did not answer without a body). */
export function isOpenAccess(card: CardInput): boolean {
  return Boolean(card.article.pmcid) && card.fullText?.hasBody !== false;
}
