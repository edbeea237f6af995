import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { normaliseDoi, workKeyFor } from '../../src/store/doi.ts';

describe('DOI normalisation for the work key', () => {
  const table: [string, string | undefined][] = [
    ['10.1002/mco2.70604', '10.1002/mco2.70604'],
    ['10.1158/0008-5472.CAN-09-4563', '10.1158/0008-5472.can-09-4563'],
    ['  10.1002/MCO2.70604  ', '10.1002/mco2.70604'],
    ['https://doi.org/10.1002/mco2.70604', '10.1002/mco2.70604'],
    ['http://dx.doi.org/10.1002/mco2.70604', '10.1002/mco2.70604'],
    ['doi.org/10.1002/mco2.70604', '10.1002/mco2.70604'],
    ['doi:10.1002/mco2.70604', '10.1002/mco2.70604'],
    ['DOI: 10.1002/mco2.70604', '10.1002/mco2.70604'],
    ['10.1002/mco2.70604.', '10.1002/mco2.70604'],
    ['https://doi.org/10.1002%2Fmco2.70604', '10.1002/mco2.70604'],
    ['10.1016/S0140-6736(23)01234-5', '10.1016/s0140-6736(23)01234-5'],
    ['10.1000/100%', '10.1000/100%'], // a lone % is legal in a suffix and is kept
    ['10.1002/', undefined],
    ['not a doi', undefined],
    ['', undefined],
    ['S0140-6736(23)01234-5', undefined], // a PII, not a DOI
  ];
  for (const [raw, expected] of table) {
    test(`${JSON.stringify(raw)} normalises to ${JSON.stringify(expected)}`, () => {
      assert.equal(normaliseDoi(raw), expected);
    });
  }

  test('the same DOI written three ways gives one key', () => {
    const keys = new Set(['10.1000/ABC', 'doi:10.1000/abc', 'https://doi.org/10.1000%2Fabc.'].map(normaliseDoi));
    assert.deepEqual([...keys], ['10.1000/abc']);
  });

  test('a work without a usable DOI is keyed by its PMID', () => {
    assert.equal(workKeyFor({ pmid: '39337530' }), 'pmid:39337530');
    assert.equal(workKeyFor({ pmid: '39337530', doi: 'n/a' }), 'pmid:39337530');
    assert.equal(workKeyFor({ pmid: '39337530', doi: '10.3390/IJMS251810046' }), '10.3390/ijms251810046');
  });
});
