import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createLogger } from '../../src/log.ts';
import { summariseWithModel } from '../../src/summary/model-summariser.ts';
import { makeArticle } from '../fixtures/card/articles.ts';

/** An OpenAI-compatible endpoint whose behaviour each test picks. */
let behaviour: 'answer' | 'slow' | 'prose' = 'answer';
let lastRequest: { model?: string; messages?: { role: string; content: string }[] } = {};
let server: Server;
let url = '';
const silent = createLogger({ level: 'silent' });
const ARTICLE = makeArticle({ title: 'Denosumab in <i>bone</i> metastasis', abstract: [{ label: 'RESULTS', text: 'Skeletal events fell by 18% (P<0.001).' }] });

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      lastRequest = JSON.parse(body);
      const content =
        behaviour === 'prose'
          ? 'Sure! Here is a summary.'
          : JSON.stringify({ tldr: 'Denosumab cut skeletal events.', findings: ['Skeletal events fell by 18%.'] });
      const reply = () =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ choices: [{ message: { role: 'assistant', content } }] }));
      if (behaviour === 'slow') setTimeout(reply, 500);
      else reply();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/chat/completions`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

describe('an optional summariser model', () => {
  test('its answer in time becomes the summary, naming the model', async () => {
    behaviour = 'answer';
    const summary = await summariseWithModel({ url, model: 'test-model', timeoutMs: 2000 }, ARTICLE, silent);
    assert.deepEqual(summary, { tldr: 'Denosumab cut skeletal events.', findings: ['Skeletal events fell by 18%.'], method: 'model', model: 'test-model' });
    assert.equal(lastRequest.model, 'test-model');
    assert.match(
      lastRequest.messages?.[1]?.content ?? '',
      /Title: Denosumab in bone metastasis\n\nAbstract:\nRESULTS: Skeletal events fell by 18% \(P<0\.001\)\./,
    );
  });

  test('an answer that comes too late is not used', async () => {
    behaviour = 'slow';
    assert.equal(await summariseWithModel({ url, model: 'test-model', timeoutMs: 100 }, ARTICLE, silent), undefined);
  });

  test('an answer that is not the JSON asked for is not used', async () => {
    behaviour = 'prose';
    assert.equal(await summariseWithModel({ url, model: 'test-model', timeoutMs: 2000 }, ARTICLE, silent), undefined);
  });
});
