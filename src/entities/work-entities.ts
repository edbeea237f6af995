import type { AnnotatedDocument, CardEntity, EntityType, LinkedDisease, Mention, WorkEntities } from './entity-types.ts';
import { specificity } from './specificity.ts';
import { mondoFor, type Vocabulary } from './vocabulary.ts';

/**
 * A work's annotations → what the card's "Linked entities" and "Full-text entities" show
 * (CARD.md): one entry per identifier per type in order of first mention, and the diseases
 * the paper is about as MONDO terms, most specific first, generic roots left out.
 */

/**
 * MeSH diseases never linked: headings that name a class of diseases or a process, not a
 * disease a paper is about. The root of the C tree ("Disease") and the category words
 * "Syndrome", "Neoplasms" ("cancer", "tumor": the seed card leaves "cancer" out) and "Mental
 * Disorders"; "Carcinoma", which names a tissue type without an organ; the processes and
 * outcomes MEDIC files as diseases (metastasis, recurrence, progression, infection,
 * inflammation, adverse drug reactions, death); and C23's umbrella headings. Several have no
 * MONDO mapping today and are listed so that a newer crosswalk cannot bring them in.
 */
export const GENERIC_DISEASES: ReadonlyMap<string, string> = new Map([
  ['MESH:D004194', 'Disease'],
  ['MESH:D013577', 'Syndrome'],
  ['MESH:D009369', 'Neoplasms'],
  ['MESH:D001523', 'Mental Disorders'],
  ['MESH:D002277', 'Carcinoma'],
  ['MESH:D009362', 'Neoplasm Metastasis'],
  ['MESH:D009364', 'Neoplasm Recurrence, Local'],
  ['MESH:D018450', 'Disease Progression'],
  ['MESH:D002908', 'Chronic Disease'],
  ['MESH:D007239', 'Infection'],
  ['MESH:D007249', 'Inflammation'],
  ['MESH:D064420', 'Drug-Related Side Effects and Adverse Reactions'],
  ['MESH:D003643', 'Death'],
  ['MESH:D014947', 'Wounds and Injuries'],
  ['MESH:D004195', 'Disease Models, Animal'],
  ['MESH:D010335', 'Pathologic Processes'],
  ['MESH:D020969', 'Disease Attributes'],
  ['MESH:D013568', 'Pathological Conditions, Signs and Symptoms'],
]);

/**
 * Without a vocabulary the sections still list the mentions, but species keep their mention
 * text and no disease can be linked (the crosswalk is part of the vocabulary).
 */
export function buildWorkEntities(doc: AnnotatedDocument, vocabulary?: Vocabulary, now = Date.now()): WorkEntities {
  const mentions = [...doc.mentions].sort((a, b) => a.offset - b.offset);
  return {
    source: doc.source,
    scope: doc.scope,
    diseases: cardEntities(mentions, 'Disease'),
    chemicals: cardEntities(mentions, 'Chemical'),
    genes: cardEntities(mentions, 'Gene'),
    species: cardEntities(mentions, 'Species').map((entity) => withSpeciesNames(entity, vocabulary)),
    linkedDiseases: vocabulary ? linkedDiseases(mentions, vocabulary) : [],
    annotatedAt: now,
  };
}

/** PubTator's annotations whenever PubTator has the work, the offline tagger's otherwise. */
export function mergeAnnotations(pubtator?: AnnotatedDocument, local?: AnnotatedDocument): AnnotatedDocument | undefined {
  return pubtator ?? local;
}

function cardEntities(mentions: Mention[], type: EntityType): CardEntity[] {
  const byId = new Map<string, CardEntity>();
  for (const m of mentions) if (m.type === type && !byId.has(m.id)) byId.set(m.id, { type, id: m.id, mention: m.text });
  return [...byId.values()];
}

function withSpeciesNames(entity: CardEntity, vocabulary?: Vocabulary): CardEntity {
  const names = vocabulary?.species.get(entity.id);
  return names ? { ...entity, ...names } : entity;
}

/**
 * Every disease id mentioned (each id of a coordinated mention too), generic roots left out,
 * mapped to MONDO (vocabulary.ts says which predicates count), one entry per MONDO term, most
 * specific first (specificity.ts), ties in order of first mention.
 */
function linkedDiseases(mentions: Mention[], vocabulary: Vocabulary): LinkedDisease[] {
  const meshIds = new Set(mentions.filter((m) => m.type === 'Disease').flatMap((m) => m.ids ?? [m.id]));
  const byMondo = new Map<string, LinkedDisease>();
  for (const meshId of meshIds) {
    const link = GENERIC_DISEASES.has(meshId) ? undefined : mondoFor(vocabulary, meshId);
    if (link && !byMondo.has(link.mondoId)) byMondo.set(link.mondoId, { mondoId: link.mondoId, label: link.label, meshId, predicate: link.predicate });
  }
  const depths = new Map([...byMondo.values()].map((d) => [d.meshId, specificity(vocabulary, d.meshId)]));
  return [...byMondo.values()].sort((a, b) => depths.get(b.meshId)! - depths.get(a.meshId)!);
}
