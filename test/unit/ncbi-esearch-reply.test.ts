import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NcbiPermanentError, NcbiTransientError } from '../../src/ncbi/errors.ts';
import { readSearchReply } from '../../src/ncbi/eutils.ts';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/ncbi');

describe('reading an esearch JSON reply', () => {
  test('counts, ids and the history server entry come out typed', () => {
    const reply = readSearchReply(
      JSON.stringify({
        header: { type: 'esearch', version: '0.3' },
        esearchresult: { count: '1234', retmax: '2', retstart: '0', querykey: '1', webenv: 'MCID_abc', idlist: ['41000002', '41000001'], querytranslation: 'x' },
      }),
    );
    assert.deepEqual(reply, { count: 1234, ids: ['41000002', '41000001'], webEnv: 'MCID_abc', queryKey: '1', phrasesNotFound: [], queryTranslation: 'x' });
  });

  test('phrases PubMed dropped from the query are reported', () => {
    const reply = readSearchReply(
      JSON.stringify({ esearchresult: { count: '3', querykey: '1', webenv: 'MCID_x', idlist: [], errorlist: { phrasesnotfound: ['osseus metastasis'], fieldsnotfound: [] } } }),
    );
    assert.deepEqual(reply.phrasesNotFound, ['osseus metastasis']);
  });

  test('an ERROR in the reply is permanent: asking again cannot fix the query', () => {
    assert.throws(() => readSearchReply(JSON.stringify({ esearchresult: { ERROR: 'Invalid query' } })), NcbiPermanentError);
  });

  test('an HTML error page or a reply without a history entry is worth a retry', () => {
    assert.throws(() => readSearchReply('<html>Bad Gateway</html>'), NcbiTransientError);
    assert.throws(() => readSearchReply(JSON.stringify({ esearchresult: { count: '3' } })), NcbiTransientError);
  });

  const recorded = path.join(SHARED, 'esearch', 'biomcp-esearch-apc-errorlist.json');
  test('a recorded reply gives its count, ids and dropped phrase (history entry added: it was recorded without one)', { skip: !existsSync(recorded) && '../shared fixtures not present' }, () => {
    const json = JSON.parse(readFileSync(recorded, 'utf8'));
    json.esearchresult.webenv = 'MCID_added';
    json.esearchresult.querykey = '1';
    const reply = readSearchReply(JSON.stringify(json));
    assert.equal(reply.count, 40362);
    assert.equal(reply.ids.length, 100);
    assert.deepEqual(reply.phrasesNotFound, ['p.E1317Q']);
  });
});
