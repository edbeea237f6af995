import { z } from 'zod';
import type { CardSummary } from '../card/summarise.ts';
import type { WorkEntities } from '../entities/entity-types.ts';
import type { NoticeKind, WorkNotice } from '../notices/work-notice.ts';
import type { Article } from '../parse/article.ts';
import type { FullText } from '../parse/full-text.ts';
import type { WatchFilter } from './subscriber-store.ts';

/** The shapes of the documents the store keeps (version 1 of each), checked on every read. */

const partialDate = z.object({ year: z.number(), month: z.number().optional(), day: z.number().optional() });

export const articleSchema: z.ZodType<Article> = z.looseObject({
  kind: z.enum(['pubmed', 'book', 'pmc']),
  pmid: z.string().optional(),
  doi: z.string().optional(),
  pmcid: z.string().optional(),
  title: z.string(),
  vernacularTitle: z.string().optional(),
  abstract: z.array(z.object({ label: z.string().optional(), nlmCategory: z.string().optional(), text: z.string() })),
  authors: z.array(
    z.object({
      lastName: z.string().optional(),
      foreName: z.string().optional(),
      initials: z.string().optional(),
      suffix: z.string().optional(),
      collectiveName: z.string().optional(),
      orcid: z.string().optional(),
      equalContrib: z.boolean().optional(),
    }),
  ),
  journal: z.object({
    title: z.string(),
    isoAbbreviation: z.string().optional(),
    issn: z.string().optional(),
    volume: z.string().optional(),
    issue: z.string().optional(),
  }),
  pages: z.string().optional(),
  electronicDate: partialDate.optional(),
  pubDate: partialDate.optional(),
  medlineDate: z.string().optional(),
  languages: z.array(z.string()),
  publicationTypes: z.array(z.string()),
  keywords: z.array(z.string()),
  mesh: z.array(
    z.object({
      ui: z.string(),
      name: z.string(),
      majorTopic: z.boolean(),
      qualifiers: z.array(z.object({ ui: z.string(), name: z.string(), majorTopic: z.boolean() })),
    }),
  ),
  comments: z.array(z.object({ kind: z.string(), source: z.string(), pmid: z.string().optional() })),
  status: z.string().optional(),
}) as unknown as z.ZodType<Article>;

export const fullTextSchema: z.ZodType<FullText> = z.looseObject({
  pmcid: z.string(),
  hasBody: z.boolean(),
  figures: z.array(z.object({ label: z.string().optional(), caption: z.string() })),
  referenceCount: z.number(),
  graphicalAbstract: z.string().optional(),
});

const cardEntity = z.object({
  type: z.enum(['Disease', 'Chemical', 'Gene', 'Species']),
  id: z.string(),
  mention: z.string(),
  scientificName: z.string().optional(),
  commonName: z.string().optional(),
});

export const entitiesSchema: z.ZodType<WorkEntities> = z.looseObject({
  source: z.enum(['pubtator', 'local']),
  scope: z.enum(['fulltext', 'abstract']),
  diseases: z.array(cardEntity),
  chemicals: z.array(cardEntity),
  genes: z.array(cardEntity),
  species: z.array(cardEntity),
  linkedDiseases: z.array(z.object({ mondoId: z.string(), label: z.string(), meshId: z.string(), predicate: z.string().optional() })),
  annotatedAt: z.number(),
});

export const summarySchema: z.ZodType<CardSummary> = z.looseObject({
  tldr: z.string().optional(),
  contribution: z.string().optional(),
  findings: z.array(z.string()),
  method: z.enum(['extractive', 'model']),
  model: z.string().optional(),
});

/** Every notice kind; a kind added to NoticeKind and not here fails the type check below. */
const NOTICE_KINDS = [
  'retracted',
  'erratum',
  'expression of concern',
  'retracted and republished',
  'corrected and republished',
] as const satisfies readonly NoticeKind[];
const noticeKindsComplete: Exclude<NoticeKind, (typeof NOTICE_KINDS)[number]> extends never ? true : never = true;
void noticeKindsComplete;

export const noticeSchema: z.ZodType<WorkNotice> = z.looseObject({
  kind: z.enum(NOTICE_KINDS),
  noticePmid: z.string(),
  date: z.string().optional(),
  url: z.string(),
});

export const filtersSchema: z.ZodType<Record<string, WatchFilter>> = z.record(
  z.string(),
  z.object({ include: z.array(z.string()).optional(), exclude: z.array(z.string()).optional() }),
);
