import type { WorkEntities } from '../entities/entity-types.ts';
import type { WatchFilter } from '../store/subscriber-store.ts';

/**
 * Does a work pass a subscriber's filter on one watch? Ids are MeSH ids (`MESH:D011471`) or
 * taxon numbers (`10090`), matched against the work's diseases, chemicals, genes and species.
 * - `include`: keep the work only if it mentions one of them;
 * - `exclude`: drop it when, for some kind of entity, everything it has of that kind is
 *   excluded ("no mouse-only studies" drops a mouse study, keeps one on mice and patients).
 * A work whose entities are not known yet is kept: a filter never silently hides a work.
 */
export function passesFilter(entities: WorkEntities | undefined, filter: WatchFilter | undefined): boolean {
  if (!entities || !filter) return true;
  const kinds = [entities.diseases, entities.chemicals, entities.genes, entities.species].map((list) => list.map((e) => e.id));
  if (filter.include?.length) {
    const include = new Set(filter.include);
    if (!kinds.some((ids) => ids.some((id) => include.has(id)))) return false;
  }
  if (filter.exclude?.length) {
    const exclude = new Set(filter.exclude);
    if (kinds.some((ids) => ids.length > 0 && ids.every((id) => exclude.has(id)))) return false;
  }
  return true;
}
