import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEntities, inlineToCard, inlineToPlain, normaliseSpace } from '../../src/parse/inline-markup.ts';

describe('inline markup to card text', () => {
  test('a less-than sign before a number stays as written', () => {
    assert.equal(inlineToCard('Survival improved (P&lt;0.001) with denosumab'), 'Survival improved (P<0.001) with denosumab');
    assert.equal(inlineToCard('lesions &lt;5 mm and HR &lt; 0.8'), 'lesions <5 mm and HR < 0.8');
  });

  test('sup and sub survive as HTML tags with their content', () => {
    assert.equal(inlineToCard('serum Ca<sup>2+</sup> and pO<sub>2</sub>'), 'serum Ca<sup>2+</sup> and pO<sub>2</sub>');
  });

  test('italics become Markdown emphasis with spaces kept outside the markers', () => {
    assert.equal(inlineToCard('<i>BRCA1</i>-mutated'), '*BRCA1*-mutated');
    assert.equal(inlineToCard('as shown<i> in vivo </i>here'), 'as shown *in vivo* here');
    assert.equal(inlineToCard('<italic>E. coli</italic>'), '*E. coli*');
  });

  test('nested italics are flattened into one emphasis', () => {
    assert.equal(inlineToCard('<i>a <i>b</i> c</i>'), '*a b c*');
  });

  test('a tag spelled out in the text can never become markup', () => {
    assert.equal(inlineToCard('XSS (&lt;script&gt;alert(1)&lt;/script&gt;) found'), 'XSS (&lt;script>alert(1)&lt;/script>) found');
    assert.equal(inlineToCard('&lt;sup&gt;fake&lt;/sup&gt;'), '&lt;sup>fake&lt;/sup>');
  });

  test('a tag opener spread across a removed tag is escaped too', () => {
    assert.equal(inlineToCard('&lt;<b>script</b>&gt; and &lt;<i>em</i>'), '&lt;script> and <*em*');
  });

  test('bold, underline and unknown tags are removed and their text kept', () => {
    assert.equal(inlineToCard('<b>bold</b> and <u>under</u> and <span class="x">span</span>'), 'bold and under and span');
  });

  test('MathML keeps its text without the layout whitespace between elements', () => {
    const math = `half-life <mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML">
        <mml:msub>
          <mml:mi>t</mml:mi>
          <mml:mn>1/2</mml:mn>
        </mml:msub>
      </mml:math> of 11 days`;
    assert.equal(inlineToCard(math), 'half-life t1/2 of 11 days');
  });

  test('unbalanced sup and sub tags are balanced', () => {
    assert.equal(inlineToCard('x<sup>2'), 'x<sup>2</sup>');
    assert.equal(inlineToCard('x</sub>2'), 'x2');
  });

  test('entities are decoded and whitespace runs collapse', () => {
    assert.equal(inlineToCard('Universit&#xe0;   di\n  Pisa &amp; Caf&#233;'), 'Università di Pisa & Café');
  });

  test('comments vanish and CDATA text is kept as text', () => {
    assert.equal(inlineToCard('a<!-- note -->b <![CDATA[<i>raw</i>]]>'), 'ab &lt;i>raw&lt;/i>');
  });
});

describe('inline markup to plain text', () => {
  test('every tag is removed and entities are decoded', () => {
    assert.equal(inlineToPlain('<i>Ctsk</i> knockout &amp; <sup>99m</sup>Tc'), 'Ctsk knockout & 99mTc');
  });
});

describe('entity decoding', () => {
  test('XML entities and numeric references decode; unknown names stay as written', () => {
    assert.equal(decodeEntities('&lt;&gt;&amp;&quot;&apos;&#946;&#x2013;&nbsp;'), `<>&"'β–&nbsp;`);
  });

  test('an out-of-range character reference stays as written', () => {
    assert.equal(decodeEntities('&#x110000;'), '&#x110000;');
  });
});

describe('whitespace normalisation', () => {
  test('a lone no-break space is content and stays', () => {
    assert.equal(normaliseSpace(' 75\u00a0år \n'), '75\u00a0år');
  });

  test('a Unicode space next to ordinary spaces collapses with them', () => {
    assert.equal(normaliseSpace('Xe 129 \u2009 MRI'), 'Xe 129 MRI');
  });
});
