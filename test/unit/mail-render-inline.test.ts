import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { cardInlineToHtml, cardInlineToText } from '../../src/mail/render-inline.ts';

describe('card inline text in HTML', () => {
  test('shows an escaped tag opener as text and never as an element', () => {
    assert.equal(cardInlineToHtml('&lt;script>alert(1)&lt;/script> and *BRCA1*'), '&lt;script&gt;alert(1)&lt;/script&gt; and <i>BRCA1</i>');
  });

  test('escapes a raw tag even though the card form never has one', () => {
    assert.equal(cardInlineToHtml('<script>x</script><SUP>2</SUP><b>b</b>'), '&lt;script&gt;x&lt;/script&gt;&lt;SUP&gt;2&lt;/SUP&gt;&lt;b&gt;b&lt;/b&gt;');
  });

  test('turns a starred span into italics', () => {
    assert.equal(cardInlineToHtml('*Mus musculus* and *E. coli*'), '<i>Mus musculus</i> and <i>E. coli</i>');
  });

  test('keeps a star in arithmetic literal and pairs the next stars as italics', () => {
    assert.equal(cardInlineToHtml('x = 2*3 and *BRCA1*'), 'x = 2*3 and <i>BRCA1</i>');
    assert.equal(cardInlineToHtml('2 * 3 * 4'), '2 * 3 * 4');
  });

  test('keeps a lone star, a double star and a star next to a space as written', () => {
    assert.equal(cardInlineToHtml('P* values'), 'P* values');
    assert.equal(cardInlineToHtml('*'), '*');
    assert.equal(cardInlineToHtml('a ** b'), 'a ** b');
    assert.equal(cardInlineToHtml('* not italic *'), '* not italic *');
  });

  test('escapes a less-than sign that opens no tag', () => {
    assert.equal(cardInlineToHtml('P<0.001 and <5 mm'), 'P&lt;0.001 and &lt;5 mm');
  });

  test('escapes ampersands, so &amp; in the text shows as written', () => {
    assert.equal(cardInlineToHtml('A & B &amp; C'), 'A &amp; B &amp;amp; C');
  });

  test('escapes quotes so the result is safe in an attribute too', () => {
    assert.equal(cardInlineToHtml(`"a" 'b' >`), '&quot;a&quot; &#39;b&#39; &gt;');
  });

  test('keeps sup and sub as tags, inside italics too', () => {
    assert.equal(cardInlineToHtml('Ca<sup>2+</sup> and H<sub>2</sub>O'), 'Ca<sup>2+</sup> and H<sub>2</sub>O');
    assert.equal(cardInlineToHtml('*Ca<sup>2+</sup> channels*'), '<i>Ca<sup>2+</sup> channels</i>');
  });

  test('balances sup and sub: an unclosed tag is closed, a stray end tag dropped', () => {
    assert.equal(cardInlineToHtml('x<sup>2 and more'), 'x<sup>2 and more</sup>');
    assert.equal(cardInlineToHtml('a</sub>b'), 'ab');
    assert.equal(cardInlineToHtml('<sup>a<sub>b</sup>c'), '<sup>a<sub>b</sub></sup>c');
  });

  test('keeps tags balanced inside italics that cut through a superscript', () => {
    assert.equal(cardInlineToHtml('*a<sup>b*c</sup>'), '<i>a<sup>b</sup></i>c');
  });
});

describe('card inline text as plain text', () => {
  test('shows an escaped tag opener as a less-than sign and drops the italic stars', () => {
    assert.equal(cardInlineToText('&lt;script>alert(1)&lt;/script> and *BRCA1*'), '<script>alert(1)</script> and BRCA1');
  });

  test('reads sup and sub out as their text', () => {
    assert.equal(cardInlineToText('Ca<sup>2+</sup> in *H<sub>2</sub>O*'), 'Ca2+ in H2O');
  });

  test('keeps arithmetic stars, ampersands and less-than signs as written', () => {
    assert.equal(cardInlineToText('x = 2*3 and *BRCA1*'), 'x = 2*3 and BRCA1');
    assert.equal(cardInlineToText('2 * 3, P<0.001, A &amp; B'), '2 * 3, P<0.001, A &amp; B');
  });
});
