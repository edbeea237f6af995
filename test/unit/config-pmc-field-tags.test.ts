import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pmcFieldTagWarnings } from '../../src/config/pmc-field-tags.ts';
import { testConfig } from '../helpers/test-services.ts';

describe('PubMed-only field tags in a watch that searches PMC', () => {
  test('[pt], [ot] and PubMed spellings of PMC fields are flagged; PMC fields ([tiab], [ti], [mh]) are not', () => {
    const config = testConfig([
      {
        id: 'pmc',
        query:
          '"bone metastas*"[tiab] NOT "Case Reports"[Publication Type] AND osteolysis[ot] AND smith j[1au] AND "Bone Neoplasms"[mh] AND breast[ti] AND "Case Reports"[Publication Type]',
        sources: ['pubmed', 'pmc'],
      },
      { id: 'pubmed-only', query: '"Case Reports"[pt]', sources: ['pubmed'] },
    ]);
    const warnings = pmcFieldTagWarnings(config);
    assert.deepEqual(
      warnings.map((w) => [w.watch, w.tag]),
      [
        [0, '[Publication Type]'],
        [0, '[ot]'],
        [0, '[1au]'],
      ],
      'each tag once, PubMed-only watches and PMC tags ([tiab], [ti]) not flagged',
    );
    assert.match(
      warnings[0]!.message,
      /^\[Publication Type\] is PubMed's Publication Type field, which PMC does not have: PMC searches the term in \[All Fields\]/,
    );
    assert.match(warnings[2]!.message, /PMC calls this field \[fauth\]/);
  });
});
