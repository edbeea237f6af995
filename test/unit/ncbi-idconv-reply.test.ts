import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { NcbiPermanentError, NcbiUnexpectedReplyError } from '../../src/ncbi/errors.ts';
import { readIdconvReply } from '../../src/ncbi/pmc-idconv.ts';

// The shape the live converter (pmc.ncbi.nlm.nih.gov/tools/idconv/api/v1/articles/) sends, as
// public clients read it (cyanheads/pubmed-mcp-server: "NCBI returns pmid as a number in JSON";
// genomoncology/biomcp: `pmid: Option<u64>`, `requested-id` a string).
const LIVE_REPLY = {
  status: 'ok',
  responseDate: '2026-11-27 08:00:00',
  request: 'ids=23193287,22663011;idtype=pmid;format=json;tool=litwatch;email=a@b.org',
  records: [
    { pmcid: 'PMC3531190', pmid: 23193287, doi: '10.1093/nar/gks1195', 'requested-id': '23193287' },
    { pmid: 22663011, 'requested-id': '22663011', status: 'error', errmsg: 'Identifier not found in PMC' },
  ],
};

describe('reading the PMC ID converter reply', () => {
  test('a numeric pmid is read, records are keyed on requested-id, and an error record is an answer', () => {
    assert.deepEqual([...readIdconvReply(JSON.stringify(LIVE_REPLY))], [['23193287', 'PMC3531190']]);
  });

  test('string ids are read too', () => {
    const reply = { records: [{ pmcid: 'PMC1', pmid: '11', 'requested-id': '11' }] };
    assert.deepEqual([...readIdconvReply(JSON.stringify(reply))], [['11', 'PMC1']]);
  });

  test('a refused request is permanent; an HTML page or a wrong shape is an unexpected reply', () => {
    assert.throws(() => readIdconvReply(JSON.stringify({ status: 'error', message: 'invalid idtype' })), NcbiPermanentError);
    assert.throws(() => readIdconvReply('<html><body>Service unavailable</body></html>'), NcbiUnexpectedReplyError);
    assert.throws(() => readIdconvReply(JSON.stringify({ records: [{ pmid: { value: 1 } }] })), NcbiUnexpectedReplyError);
  });
});
