import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { assembleDigest, type DigestCandidate, type EntryFor } from '../../src/digest/assemble-digest.ts';
import { digestEntryView } from '../../src/digest/entry-view.ts';
import { digestPeriod } from '../../src/digest/digest-period.ts';
import { passesFilter } from '../../src/digest/entity-filter.ts';
import type { WorkEntities } from '../../src/entities/entity-types.ts';
import { makeArticle } from '../fixtures/card/articles.ts';

function entities(diseases: string[], species: string[], linked?: string): WorkEntities {
  return {
    source: 'pubtator',
    scope: 'abstract',
    diseases: diseases.map((id) => ({ type: 'Disease', id, mention: id === 'MESH:D011471' ? 'prostate cancer' : 'breast cancer' })),
    chemicals: [],
    genes: [],
    species: species.map((id) => ({ type: 'Species', id, mention: id })),
    linkedDiseases: linked ? [{ mondoId: 'MONDO:1', label: linked, meshId: diseases[0]! }] : [],
    annotatedAt: 0,
  };
}

function candidate(key: string, watches: string[], day: number, e?: WorkEntities): DigestCandidate {
  return {
    key,
    watches,
    firstSeen: day,
    card: { article: makeArticle({ pmid: key, title: key, electronicDate: { year: 2026, month: 11, day } }), ...(e ? { entities: e } : {}) },
  };
}

const NAMES = new Map([
  ['bone', 'Bone metastasis'],
  ['lung', 'Lung'],
]);

const entryFor: EntryFor = (c, watch) => digestEntryView(c.card, `https://litwatch.example.org/works/${c.key}`, NAMES.get(watch) ?? watch);

describe('assembling a digest', () => {
  const works = [
    candidate('old', ['bone'], 10, entities(['MESH:D001943'], ['9606'], 'breast cancer')),
    candidate('shared', ['bone', 'lung'], 20, entities(['MESH:D011471'], ['9606'], 'prostate cancer')),
    candidate('mouse', ['lung'], 15, entities(['MESH:D011471'], ['10090'], 'prostate cancer')),
    candidate('unannotated', ['bone'], 18),
  ];

  test("each work appears once, under the first of the subscriber's watches that found it, newest first", () => {
    const digest = assembleDigest({ watches: ['lung', 'bone'], filters: {} }, works, new Set(), NAMES, 50, entryFor);
    assert.deepEqual(digest.workKeys, ['shared', 'unannotated', 'mouse', 'old']);
    assert.deepEqual(
      digest.groups.map((g) => [g.watchName, g.sections.map((s) => [s.disease, s.entries.map((e) => e.title)])]),
      [
        ['Lung', [['prostate cancer', ['shared', 'mouse']]]],
        [
          'Bone metastasis',
          [
            ['breast cancer', ['old']],
            [undefined, ['unannotated']],
          ],
        ],
      ],
    );
  });

  test('an entry names the watch it is listed under and links to its work page', () => {
    const digest = assembleDigest({ watches: ['lung', 'bone'], filters: {} }, works, new Set(), NAMES, 50, entryFor);
    const shared = digest.groups[0]!.sections[0]!.entries[0]!;
    assert.equal(shared.watch, 'Lung');
    assert.equal(shared.url, 'https://litwatch.example.org/works/shared');
  });

  test('works already sent or in a digest on its way are left out', () => {
    const digest = assembleDigest({ watches: ['bone'], filters: {} }, works, new Set(['shared', 'old']), NAMES, 50, entryFor);
    assert.deepEqual(digest.workKeys, ['unannotated']);
  });

  test('at most maxItems works get an entry; the rest are still delivered (behind the link)', () => {
    const digest = assembleDigest({ watches: ['bone', 'lung'], filters: {} }, works, new Set(), NAMES, 2, entryFor);
    assert.equal(digest.shown, 2);
    assert.equal(digest.workKeys.length, 4);
    assert.equal(digest.groups.flatMap((g) => g.sections.flatMap((s) => s.entries)).length, 2);
  });

  test('a filter narrows a watch by entity, and keeps works whose entities are not known yet', () => {
    const onlyProstate = assembleDigest({ watches: ['bone'], filters: { bone: { include: ['MESH:D011471'] } } }, works, new Set(), NAMES, 50, entryFor);
    assert.deepEqual(onlyProstate.workKeys, ['shared', 'unannotated']);
    const noMouseOnly = assembleDigest({ watches: ['lung'], filters: { lung: { exclude: ['10090'] } } }, works, new Set(), NAMES, 50, entryFor);
    assert.deepEqual(noMouseOnly.workKeys, ['shared']);
  });
});

describe('entity filters', () => {
  test('exclude drops a work only when everything it has of that kind is excluded', () => {
    assert.equal(passesFilter(entities([], ['10090']), { exclude: ['10090'] }), false);
    assert.equal(passesFilter(entities([], ['10090', '9606']), { exclude: ['10090'] }), true);
  });
  test('include keeps a work that mentions any included id', () => {
    assert.equal(passesFilter(entities(['MESH:D001943'], []), { include: ['MESH:D011471', 'MESH:D001943'] }), true);
    assert.equal(passesFilter(entities(['MESH:D001943'], []), { include: ['MESH:D011471'] }), false);
  });
  test('a work without entities passes every filter', () => {
    assert.equal(passesFilter(undefined, { include: ['MESH:D011471'], exclude: ['9606'] }), true);
  });
});

describe('digest periods', () => {
  test("a daily digest is named by the day in the subscriber's time zone", () => {
    assert.deepEqual(digestPeriod('daily', new Date('2026-11-27T23:30:00Z'), 'Europe/Paris'), { key: '2026-11-28', label: 'Saturday 28 November 2026' });
    assert.deepEqual(digestPeriod('daily', new Date('2026-11-27T23:30:00Z'), 'UTC'), { key: '2026-11-27', label: 'Friday 27 November 2026' });
  });
  test('a weekly digest is named by its ISO week, across a year end', () => {
    assert.deepEqual(digestPeriod('weekly', new Date('2026-11-27T10:00:00Z'), 'UTC'), { key: '2026-W48', label: 'week of 23 November 2026' });
    assert.equal(digestPeriod('weekly', new Date('2027-01-01T10:00:00Z'), 'UTC').key, '2026-W53');
    assert.equal(digestPeriod('weekly', new Date('2027-01-04T10:00:00Z'), 'UTC').key, '2027-W01');
  });
});
