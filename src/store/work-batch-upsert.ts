import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Article } from '../parse/article.ts';
import type { Queryable } from './db/database.ts';
import { document, optionalText, parseRows } from './documents.ts';
import { normaliseDoi } from './doi.ts';
import type { UpsertResult, UpsertStatus, WorkIds, WorkSource } from './work-store.ts';

/**
 * A batch of records stored in a dozen statements instead of five per record: one efetch batch
 * is 200 records, and a round trip per statement made storing it the slowest step of a poll
 * (about 2 s of 200 x 5 round trips on a loaded machine). The rules are WorkStore.upsertIn's,
 * record by record; they only give the same answer set-wise when no two records of the batch
 * touch the same work or id, so such a batch answers undefined and is stored one by one.
 * The caller holds the advisory locks of every id of the batch (same transaction).
 */
export async function upsertBatch(
  tx: Queryable,
  articles: Article[],
  watchId: string,
  now: number,
  idsOf: (key: string) => Promise<WorkIds>,
): Promise<UpsertResult[] | undefined> {
  const records = articles.map((article) => ({
    article,
    doi: normaliseDoi(article.doi),
    pmid: article.pmid || undefined,
    pmcid: article.pmcid || undefined,
  }));
  const seen = new Set<string>();
  for (const r of records)
    for (const id of [r.doi && `doi:${r.doi}`, r.pmid && `pmid:${r.pmid}`, r.pmcid && `pmcid:${r.pmcid}`]) {
      if (!id) continue;
      if (seen.has(id)) return undefined;
      seen.add(id);
    }

  // Which work each id already points at, with that work's DOI (the DOI decides first).
  const kinds = records.flatMap((r) => [r.doi && 'doi', r.pmid && 'pmid', r.pmcid && 'pmcid'].filter((k): k is string => Boolean(k)));
  const values = records.flatMap((r) => [r.doi, r.pmid, r.pmcid].filter((v): v is string => Boolean(v)));
  const found = parseRows(
    z.object({ id_kind: z.enum(['doi', 'pmid', 'pmcid']), value: z.string(), work_key: z.string(), work_doi: optionalText }),
    await tx.query(
      `SELECT i.id_kind, i.value, i.work_key, (SELECT d.value FROM work_ids d WHERE d.work_key = i.work_key AND d.id_kind = 'doi' LIMIT 1) AS work_doi
       FROM work_ids i JOIN unnest($1::text[], $2::text[]) AS q (kind, value) ON i.id_kind = q.kind AND i.value = q.value`,
      [kinds, values],
    ),
    'work id',
  );
  const owner = new Map(found.map((row) => [`${row.id_kind}:${row.value}`, row]));

  const resolved: { key: string; conflict?: UpsertResult['conflict'] }[] = [];
  for (const r of records) {
    const byDoi = r.doi ? owner.get(`doi:${r.doi}`) : undefined;
    const byId = (r.pmid ? owner.get(`pmid:${r.pmid}`) : undefined) ?? (r.pmcid ? owner.get(`pmcid:${r.pmcid}`) : undefined);
    let key: string | undefined;
    let conflict: UpsertResult['conflict'];
    if (r.doi) {
      if (byDoi) key = byDoi.work_key;
      else if (byId && !byId.work_doi) key = byId.work_key;
      else if (byId)
        conflict = {
          reason: `${byId.id_kind.toUpperCase()} already belongs to a work with another DOI`,
          record: { doi: r.article.doi, pmid: r.pmid, pmcid: r.pmcid },
          existing: await idsOf(byId.work_key),
        };
    } else {
      key = byId?.work_key;
    }
    key ??= r.doi ?? (r.pmid ? `pmid:${r.pmid}` : r.pmcid ? `pmcid:${r.pmcid}` : undefined);
    if (!key) throw new Error('a work needs a DOI, a PMID or a PMCID');
    resolved.push({ key, ...(conflict ? { conflict } : {}) });
  }
  if (new Set(resolved.map((r) => r.key)).size !== resolved.length) return undefined;

  const at = new Date(now);
  const rows = records.map((r, i) => {
    const json = JSON.stringify(r.article);
    return { ...r, key: resolved[i]!.key, hash: createHash('sha1').update(json).digest('hex'), doc: document(r.article), body: searchBody(r.article) };
  });
  const inserted = new Set(
    parseRows(
      z.object({ key: z.string() }),
      await tx.query(
        `INSERT INTO works (key, doi, pmid, pmcid, title, kind, article, hash, first_seen, updated_at, search_body)
         SELECT k, d, p, c, t, kind, a::jsonb, h, $9, $9, b FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $10::text[])
           AS n (k, d, p, c, t, kind, a, h, b)
         ON CONFLICT (key) DO NOTHING RETURNING key`,
        [
          rows.map((r) => r.key),
          rows.map((r) => r.article.doi ?? null),
          rows.map((r) => r.pmid ?? null),
          rows.map((r) => r.pmcid ?? null),
          rows.map((r) => r.article.title),
          rows.map((r) => r.article.kind),
          rows.map((r) => r.doc),
          rows.map((r) => r.hash),
          at,
          rows.map((r) => r.body),
        ],
      ),
      'work',
    ).map((row) => row.key),
  );
  const existingKeys = rows.filter((r) => !inserted.has(r.key)).map((r) => r.key);
  const stored = new Map(
    existingKeys.length === 0
      ? []
      : parseRows(
          z.object({ key: z.string(), hash: z.string(), pmid: optionalText, kind: z.string() }),
          await tx.query('SELECT key, hash, pmid, kind FROM works WHERE key = ANY($1::text[]) FOR UPDATE', [existingKeys]),
          'work',
        ).map((row) => [row.key, row]),
  );

  const statuses: UpsertStatus[] = [];
  const conflicts: (UpsertResult['conflict'] | undefined)[] = [];
  const pmcidsAdded: { key: string; pmcid: string }[] = [];
  const updated: typeof rows = [];
  for (const [i, r] of rows.entries()) {
    const before = stored.get(r.key);
    let conflict = resolved[i]!.conflict;
    let status: UpsertStatus;
    if (inserted.has(r.key)) status = 'created';
    else if (!before) throw new Error(`work ${r.key} neither inserted nor stored`);
    else if (r.article.kind === 'pmc' && before.kind !== 'pmc') {
      // PubMed's record stays the work's metadata; PMC adds its id and the source.
      status = 'unchanged';
      if (r.pmcid) pmcidsAdded.push({ key: r.key, pmcid: r.pmcid });
    } else if (before.pmid && r.pmid && before.pmid !== r.pmid) {
      status = 'duplicate';
      conflict = {
        reason: 'a second record with the same DOI and another PMID',
        record: { doi: r.article.doi, pmid: r.pmid, pmcid: r.pmcid },
        existing: await idsOf(r.key),
      };
    } else if (before.hash !== r.hash) {
      status = 'updated';
      updated.push(r);
    } else status = 'unchanged';
    statuses.push(status);
    conflicts.push(conflict);
  }
  if (pmcidsAdded.length > 0)
    await tx.query('UPDATE works w SET pmcid = coalesce(w.pmcid, u.c) FROM unnest($1::text[], $2::text[]) AS u (k, c) WHERE w.key = u.k', [
      pmcidsAdded.map((p) => p.key),
      pmcidsAdded.map((p) => p.pmcid),
    ]);
  if (updated.length > 0)
    await tx.query(
      `UPDATE works w SET doi = u.d, pmid = u.p, pmcid = coalesce(u.c, w.pmcid), title = u.t, kind = u.kind, article = u.a::jsonb, hash = u.h, updated_at = $9, search_body = u.b
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $10::text[]) AS u (k, d, p, c, t, kind, a, h, b)
       WHERE w.key = u.k`,
      [
        updated.map((r) => r.key),
        updated.map((r) => r.article.doi ?? null),
        updated.map((r) => r.pmid ?? null),
        updated.map((r) => r.pmcid ?? null),
        updated.map((r) => r.article.title),
        updated.map((r) => r.article.kind),
        updated.map((r) => r.doc),
        updated.map((r) => r.hash),
        at,
        updated.map((r) => r.body),
      ],
    );

  // Each id points at one work (an id another work already holds stays with it).
  const ids = rows.flatMap((r) =>
    (
      [
        ['doi', r.doi],
        ['pmid', r.pmid],
        ['pmcid', r.pmcid],
      ] as const
    ).flatMap(([kind, value]) => (value ? [{ kind, value, key: r.key }] : [])),
  );
  await tx.query('INSERT INTO work_ids (id_kind, value, work_key) SELECT * FROM unnest($1::text[], $2::text[], $3::text[]) ON CONFLICT DO NOTHING', [
    ids.map((id) => id.kind),
    ids.map((id) => id.value),
    ids.map((id) => id.key),
  ]);
  await tx.query('INSERT INTO work_sources (work_key, source) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING', [
    rows.map((r) => r.key),
    rows.map((r) => sourceOf(r.article)),
  ]);
  const watched =
    watchId === ''
      ? new Set<string>()
      : new Set(
          parseRows(
            z.object({ work_key: z.string() }),
            await tx.query(
              'INSERT INTO work_watches (work_key, watch_id, matched_at) SELECT k, $2, $3 FROM unnest($1::text[]) AS k ON CONFLICT DO NOTHING RETURNING work_key',
              [rows.map((r) => r.key), watchId, at],
            ),
            'work watch',
          ).map((row) => row.work_key),
        );
  return rows.map((r, i) => ({ key: r.key, status: statuses[i]!, watchAdded: watched.has(r.key), ...(conflicts[i] ? { conflict: conflicts[i] } : {}) }));
}

export function sourceOf(article: Article): WorkSource {
  return article.kind === 'pmc' ? 'pmc' : 'pubmed';
}

/** What full-text search reads besides the title: authors, journal, abstract, MeSH terms, keywords. */
export function searchBody(article: Article): string {
  const authors = article.authors.map((a) => a.collectiveName ?? [a.foreName, a.lastName].filter(Boolean).join(' '));
  return [
    ...authors,
    article.journal.title,
    article.journal.isoAbbreviation ?? '',
    ...article.abstract.map((p) => p.text),
    ...article.mesh.map((m) => m.name),
    ...article.keywords,
  ].join('\n');
}
