import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { NcbiPermanentError, NcbiUnexpectedReplyError } from '../../src/ncbi/errors.ts';
import { readSearchReply } from '../../src/ncbi/eutils.ts';

const SHARED = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../shared/fixtures/ncbi');

describe('reading an esearch JSON reply', () => {
  test('counts, ids and the history server entry come out typed', () => {
    const reply = readSearchReply(
      JSON.stringify({
        header: { type: 'esearch', version: '0.3' },
        esearchresult: {
          count: '1234',
          retmax: '2',
          retstart: '0',
          querykey: '1',
          webenv: 'MCID_abc',
          idlist: ['41000002', '41000001'],
          querytranslation: 'x',
        },
      }),
    );
    assert.deepEqual(reply, { count: 1234, ids: ['41000002', '41000001'], webEnv: 'MCID_abc', queryKey: '1', warnings: [], queryTranslation: 'x' });
  });

  test('a search that found nothing is an answer, with or without a history entry', () => {
    // entrezpy: "Empty search result has no webenv/querykey"; NCBI adds its "No items found." message.
    const empty = {
      header: { type: 'esearch', version: '0.3' },
      esearchresult: {
        count: '0',
        retmax: '0',
        retstart: '0',
        idlist: [],
        translationset: [],
        querytranslation: 'x',
        warninglist: { phrasesignored: [], quotedphrasesnotfound: [], outputmessages: ['No items found.'] },
      },
    };
    const reply = readSearchReply(JSON.stringify(empty));
    assert.equal(reply.count, 0);
    assert.deepEqual(reply.ids, []);
    assert.equal(reply.webEnv, undefined);
    assert.deepEqual(reply.warnings, [{ kind: 'outputMessage', phrase: 'No items found.' }]);
  });

  test('every list of what PubMed did not search as written becomes a typed warning', () => {
    const reply = readSearchReply(
      JSON.stringify({
        esearchresult: {
          count: '3',
          querykey: '1',
          webenv: 'MCID_x',
          idlist: [],
          errorlist: { phrasesnotfound: ['osseus metastasis'], fieldsnotfound: ['[xx]'] },
          warninglist: { phrasesignored: ['of'], quotedphrasesnotfound: ['"Retraction of Publication"[pt]'], outputmessages: ['Quoted phrase not found.'] },
        },
      }),
    );
    assert.deepEqual(reply.warnings, [
      { kind: 'phraseNotFound', phrase: 'osseus metastasis' },
      { kind: 'fieldNotFound', phrase: '[xx]' },
      { kind: 'quotedPhraseNotFound', phrase: '"Retraction of Publication"[pt]' },
      { kind: 'phraseIgnored', phrase: 'of' },
      { kind: 'outputMessage', phrase: 'Quoted phrase not found.' },
    ]);
  });

  test('an ERROR in the reply is permanent: asking again cannot fix the query', () => {
    assert.throws(() => readSearchReply(JSON.stringify({ esearchresult: { ERROR: 'Invalid query' } })), NcbiPermanentError);
  });

  test('an HTML page, truncated JSON, a wrong shape or hits without a history entry are unexpected replies', () => {
    for (const text of [
      '<html>Bad Gateway</html>',
      '{"esearchresult":{"count":"3","idl',
      JSON.stringify({ esearchresult: { count: 3 } }),
      JSON.stringify({ esearchresult: { count: '3' } }),
    ]) {
      assert.throws(
        () => readSearchReply(text),
        (err: unknown) => err instanceof NcbiUnexpectedReplyError && err.service === 'esearch' && err.excerpt === text.slice(0, 300),
        text,
      );
    }
  });

  test('a count-only search (no history asked) may have hits without an entry', () => {
    const reply = readSearchReply(JSON.stringify({ esearchresult: { count: '3', idlist: ['1', '2', '3'] } }), { history: false });
    assert.equal(reply.count, 3);
    assert.equal(reply.webEnv, undefined);
  });
});

describe('recorded esearch replies (../shared/fixtures/ncbi/esearch)', () => {
  const file = (name: string) => path.join(SHARED, 'esearch', name);
  const skip = !existsSync(SHARED) && '../shared fixtures not present';

  test('biomcp APC: count, ids, and the dropped phrase as a phraseNotFound warning', { skip }, () => {
    // Recorded without usehistory, so it is read as a count-only search.
    const reply = readSearchReply(readFileSync(file('biomcp-esearch-apc-errorlist.json'), 'utf8'), { history: false });
    assert.equal(reply.count, 40362);
    assert.equal(reply.ids.length, 100);
    assert.deepEqual(reply.warnings, [{ kind: 'phraseNotFound', phrase: 'p.E1317Q' }]);
    assert.match(reply.queryTranslation ?? '', /retracted publication/);
  });

  test('biomcp PTEN and MLH1: small results without warnings', { skip }, () => {
    const pten = readSearchReply(readFileSync(file('biomcp-esearch-pten-3hits.json'), 'utf8'), { history: false });
    assert.deepEqual([pten.count, pten.ids, pten.warnings], [3, ['32150788', '29373119', '17427195'], []]);
    const mlh1 = readSearchReply(readFileSync(file('biomcp-esearch-mlh1-1hit.json'), 'utf8'), { history: false });
    assert.deepEqual([mlh1.count, mlh1.ids, mlh1.warnings], [1, ['18033691'], []]);
  });

  test('the same recorded replies, read as a poll reads them (history asked), are refused: they carry no entry', { skip }, () => {
    assert.throws(() => readSearchReply(readFileSync(file('biomcp-esearch-pten-3hits.json'), 'utf8')), NcbiUnexpectedReplyError);
  });

  test('klortho XML replies: every ErrorList/WarningList element NCBI sent has a warning kind', { skip }, () => {
    // E-utilities' JSON is its XML translated (PhraseNotFound -> errorlist.phrasesnotfound ...):
    // the element names in the recorded XML must all be ones readSearchReply maps.
    const JSON_LIST: Record<string, string> = {
      PhraseNotFound: 'phrasesnotfound',
      FieldNotFound: 'fieldsnotfound',
      QuotedPhraseNotFound: 'quotedphrasesnotfound',
      PhraseIgnored: 'phrasesignored',
      OutputMessage: 'outputmessages',
    };
    const seen: { element: string; text: string }[] = [];
    for (const name of ['klortho-esearch.error-phrasenotfound.xml', 'biopython-esearch8.xml']) {
      const xml = readFileSync(file(name), 'utf8');
      for (const list of xml.matchAll(/<(ErrorList|WarningList)>([\s\S]*?)<\/\1>/g)) {
        for (const entry of list[2]!.matchAll(/<(\w+)>([^<]*)<\/\1>/g)) seen.push({ element: entry[1]!, text: entry[2]! });
      }
    }
    assert.deepEqual(seen, [
      { element: 'PhraseNotFound', text: 'fleegle[MeSH Terms]' },
      { element: 'PhraseNotFound', text: 'abcXYZ' },
      { element: 'OutputMessage', text: 'No items found.' },
    ]);
    for (const { element, text } of seen) {
      const key = JSON_LIST[element]!;
      const list = key === 'phrasesnotfound' || key === 'fieldsnotfound' ? 'errorlist' : 'warninglist';
      const reply = readSearchReply(JSON.stringify({ esearchresult: { count: '0', idlist: [], [list]: { [key]: [text] } } }));
      assert.equal(reply.warnings.length, 1, element);
      assert.equal(reply.warnings[0]!.phrase, text);
    }
  });
});
