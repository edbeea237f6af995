import { z } from 'zod';
import type { AnnotatedDocument, EntityType, Mention } from './entity-types.ts';

/**
 * PubTator3's BioC JSON export → one AnnotatedDocument per document. PubTator wraps the
 * documents as `{"PubTator3":[doc…]}`; a plain BioC collection (`{documents:[…]}`) or a bare
 * array of documents is read the same way. Offsets in BioC are already document-absolute.
 */

/** Thrown when a body is not BioC JSON; the message names where it went wrong. */
export class BiocError extends Error {
  override readonly name = 'BiocError';
}

const idValue = z.union([z.string(), z.number()]).nullish();
const infons = z.record(z.string(), z.unknown());

const annotationSchema = z.object({
  text: z.string().optional(),
  infons,
  locations: z.array(z.object({ offset: z.number(), length: z.number() })),
});

const passageSchema = z.object({
  offset: z.number(),
  infons: infons.optional(),
  annotations: z.array(annotationSchema).optional(),
});

const documentSchema = z.object({
  id: idValue,
  pmid: idValue,
  pmcid: idValue,
  passages: z.array(passageSchema),
});

type BiocDocument = z.infer<typeof documentSchema>;
type BiocPassage = z.infer<typeof passageSchema>;
type BiocAnnotation = z.infer<typeof annotationSchema>;

const ENTITY_TYPES: ReadonlySet<string> = new Set<EntityType>(['Disease', 'Chemical', 'Gene', 'Species']);
/** What PubTator writes when it recognised a mention but could not normalise it. */
const NO_IDENTIFIER: ReadonlySet<string> = new Set(['', '-', 'none', 'null']);

export function parseBiocJson(json: unknown): AnnotatedDocument[] {
  const { where, documents } = documentList(json);
  const parsed = z.array(documentSchema).safeParse(documents);
  if (!parsed.success) throw new BiocError(`not BioC JSON: ${describeIssues(where, parsed.error)}`);
  return parsed.data.map(annotatedDocument);
}

function documentList(json: unknown): { where: string; documents: unknown } {
  if (Array.isArray(json)) return { where: '', documents: json };
  if (typeof json === 'object' && json !== null) {
    if ('PubTator3' in json) return { where: 'PubTator3', documents: json.PubTator3 };
    if ('documents' in json) return { where: 'documents', documents: json.documents };
  }
  const got = typeof json === 'object' && json !== null ? `an object with keys ${Object.keys(json).join(', ') || '(none)'}` : typeof json;
  throw new BiocError(`not BioC JSON: expected {"PubTator3":[…]}, {"documents":[…]} or an array of documents, got ${got}`);
}

/** The first three problems, each as `path: message`, so a wrong body is diagnosed from the log line. */
function describeIssues(where: string, error: z.ZodError): string {
  const lines = error.issues.slice(0, 3).map((issue) => {
    const at = issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('');
    return `${where}${at}: ${issue.message}`;
  });
  const more = error.issues.length > 3 ? ` (and ${error.issues.length - 3} more)` : '';
  return lines.join('; ') + more;
}

function annotatedDocument(doc: BiocDocument): AnnotatedDocument {
  const mentions = doc.passages
    .flatMap((passage) => (passage.annotations ?? []).map(mentionOf))
    .filter((mention): mention is Mention => mention !== undefined)
    .sort((a, b) => a.offset - b.offset);
  const pmid = pmidOf(doc);
  const pmcid = pmcidOf(doc);
  return {
    ...(pmid && { pmid }),
    ...(pmcid && { pmcid }),
    source: 'pubtator',
    scope: doc.passages.every(isTitleOrAbstract) ? 'abstract' : 'fulltext',
    mentions,
  };
}

function mentionOf(annotation: BiocAnnotation): Mention | undefined {
  const type = annotation.infons.type;
  const location = annotation.locations[0];
  if (typeof type !== 'string' || !ENTITY_TYPES.has(type) || !location) return undefined;
  const ids = identifiers(annotation.infons.identifier, type as EntityType);
  const [id] = ids;
  if (id === undefined) return undefined;
  // A composite mention ("breast and ovarian cancer") carries one id per entity. The card lists
  // one entry per identifier named by its text, and that text cannot be split, so the span is
  // filed under its first id (as the seed card does); the rest stay in `ids` for the links.
  return { type: type as EntityType, id, ...(ids.length > 1 && { ids }), text: annotation.text ?? '', offset: location.offset };
}

function identifiers(raw: unknown, type: EntityType): string[] {
  if (typeof raw !== 'string' && typeof raw !== 'number') return [];
  return String(raw)
    .split(/[;,]/)
    .map((id) => id.trim())
    .filter((id) => !NO_IDENTIFIER.has(id.toLowerCase()))
    .map((id) => ((type === 'Disease' || type === 'Chemical') && /^[CD]\d+$/.test(id) ? `MESH:${id}` : id));
}

/** PubTator's abstracts have `title`/`abstract` passages; PMC full text marks them by section_type. */
function isTitleOrAbstract(passage: BiocPassage): boolean {
  const section = passage.infons?.section_type;
  if (typeof section === 'string') return /^(title|abstract)$/i.test(section);
  const type = passage.infons?.type;
  return typeof type !== 'string' || /^(title|abstract|front)/i.test(type);
}

function pmidOf(doc: BiocDocument): string | undefined {
  return [doc.pmid, passageInfon(doc, 'article-id_pmid'), doc.id].map(idText).find((v) => /^\d+$/.test(v));
}

/** The document `id` is a PMCID only when written so (`PMC…`); a bare number there is the PMID. */
function pmcidOf(doc: BiocDocument): string | undefined {
  const declared = [doc.pmcid, passageInfon(doc, 'article-id_pmc')].map(idText).find((v) => /^(PMC)?\d+$/i.test(v));
  const value = declared ?? [doc.id].map(idText).find((v) => /^PMC\d+$/i.test(v));
  return value && `PMC${value.replace(/^PMC/i, '')}`;
}

function idText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

function passageInfon(doc: BiocDocument, key: string): unknown {
  return doc.passages.map((passage) => passage.infons?.[key]).find((value) => value !== undefined && value !== '');
}
