import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inlineStyles } from '../../src/mail/render-styles.ts';
import { template, type TemplateName } from '../../src/mail/render-templates.ts';

const CSS = '.cell { padding: 8px; } a { color: #06c; }';

describe('inlining the stylesheet into a template source', () => {
  test('adds style attributes and keeps every Handlebars tag as written', () => {
    const source = '{{#each rows}}<tr><td class="cell">{{{html}}} <a href="{{url}}">{{name}}</a></td></tr>{{/each}}{{> footer footer}}';
    assert.equal(
      inlineStyles(source, CSS, 'test.hbs'),
      '{{#each rows}}<tr><td class="cell" style="padding:8px">{{{html}}} <a href="{{url}}" style="color:#06c">{{name}}</a></td></tr>{{/each}}{{> footer footer}}',
    );
  });

  test('keeps entities and conditional comments as written', () => {
    const source = '<!--[if mso]><table width="640"><tr><td><![endif]--><p>A &middot; B &amp; C</p>';
    assert.equal(inlineStyles(source, CSS, 'test.hbs'), source);
  });

  test('refuses a block that opens an element it does not close', () => {
    assert.throws(() => inlineStyles('<div>{{#if a}}<p class="cell">{{/if}}x</div>', CSS, 'bad.hbs'), /changed the HTML elements of bad\.hbs/);
  });

  test('refuses a template whose Handlebars tags the parser would drop', () => {
    assert.throws(() => inlineStyles('<a class="cell" href="{{a}}" href="{{b}}">x</a>', CSS, 'bad.hbs'), /changed the Handlebars tags of bad\.hbs/);
  });
});

describe('loading templates', () => {
  test('names the missing file when a template is not there', () => {
    assert.throws(() => template('no-such' as TemplateName, 'html'), /templates\/no-such\/html\.hbs/);
  });

  test('compiles each template once', () => {
    assert.equal(template('card', 'text'), template('card', 'text'));
  });
});
