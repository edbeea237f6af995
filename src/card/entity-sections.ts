import type { CardEntity, WorkEntities } from '../entities/entity-types.ts';
import { cutMark } from '../text/cut-text.ts';
import { escapeTagOpeners } from '../text/escape-tag-openers.ts';
import type { CardBlock, CardParagraph } from './card-view.ts';

export const NO_ENTITIES: CardParagraph = { note: 'No entity annotations yet.' };

/** `- **Diseases:** breast cancer (MONDO:0004989), ...` (CARD.md, Linked entities). */
export function linkedEntitiesBody(entities?: WorkEntities): CardBlock[] {
  if (!entities) return [NO_ENTITIES];
  if (entities.linkedDiseases.length === 0) return [{ note: 'No disease of the paper maps to a MONDO term.' }];
  const items = entities.linkedDiseases.map((d) => `${escapeTagOpeners(d.label)} (${d.mondoId})`);
  return [{ list: [{ label: 'Diseases', text: items.join(', ') + more(entities.cut?.linkedDiseases) }] }];
}

/**
 * One line per entity type, each identifier once, named by its first mention (CARD.md,
 * Full-text entities). Diseases and Species lines always show; Chemicals and Genes only when
 * there are some. A note says when the annotations are litwatch's own offline tags, or cover
 * only the title and abstract.
 */
export function fullTextEntitiesBody(entities?: WorkEntities): CardBlock[] {
  if (!entities) return [NO_ENTITIES];
  const lines = [
    { label: 'Diseases', text: list(entities.diseases, (e) => `${mention(e)} (${e.id})`) + more(entities.cut?.diseases) },
    ...(entities.chemicals.length > 0
      ? [{ label: 'Chemicals', text: list(entities.chemicals, (e) => `${mention(e)} (${e.id})`) + more(entities.cut?.chemicals) }]
      : []),
    ...(entities.genes.length > 0
      ? [{ label: 'Genes', text: list(entities.genes, (e) => `${mention(e)} (NCBI Gene:${e.id})`) + more(entities.cut?.genes) }]
      : []),
    { label: 'Species', text: list(entities.species, species) + more(entities.cut?.species) },
  ];
  return [{ list: lines }, ...provenance(entities)];
}

function list(entities: CardEntity[], format: (e: CardEntity) => string): string {
  return entities.length > 0 ? entities.map(format).join(', ') : 'none found';
}

/** The mark after a list the shown view cut (src/card/bounded-card.ts). */
function more(cut: number | undefined): string {
  return cut ? `, ${cutMark(cut, 'entities')}` : '';
}

function mention(entity: CardEntity): string {
  return escapeTagOpeners(entity.mention);
}

/** `Homo sapiens (human, species) [taxon 9606]`; without vocabulary names, the mention. */
function species(entity: CardEntity): string {
  const name = escapeTagOpeners(entity.scientificName ?? entity.mention);
  const common = entity.commonName ? `${escapeTagOpeners(entity.commonName)}, ` : '';
  return `${name} (${common}species) [taxon ${entity.id}]`;
}

function provenance(entities: WorkEntities): CardParagraph[] {
  if (entities.source === 'local') {
    return [{ note: "Tagged offline with litwatch's vocabulary: PubTator3 has not annotated this article yet." }];
  }
  return entities.scope === 'abstract' ? [{ note: 'From PubTator3 annotations of the title and abstract.' }] : [];
}
