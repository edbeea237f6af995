import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { splitSentences } from '../../src/card/sentences.ts';

describe('splitSentences', () => {
  const cases: { name: string; text: string; sentences: string[] }[] = [
    {
      name: 'P values with < and = and decimals do not end a sentence',
      text: 'Mortality fell (P<0.001). Survival rose by 1.5 years (P = 0.03). Both held.',
      sentences: ['Mortality fell (P<0.001).', 'Survival rose by 1.5 years (P = 0.03).', 'Both held.'],
    },
    {
      name: 'e.g. and i.e. do not end a sentence',
      text: 'Some organs, e.g. Liver and kidney, i.e. Filters, were studied. Then more.',
      sentences: ['Some organs, e.g. Liver and kidney, i.e. Filters, were studied.', 'Then more.'],
    },
    {
      name: 'et al. and vs. do not end a sentence',
      text: 'As Smith et al. Reported, dose vs. Response was flat. It was.',
      sentences: ['As Smith et al. Reported, dose vs. Response was flat.', 'It was.'],
    },
    {
      name: 'Fig., approx. and No. before a number do not end a sentence',
      text: 'See Fig. 1 and approx. 20 cases in trial No. 3 for details. Next.',
      sentences: ['See Fig. 1 and approx. 20 cases in trial No. 3 for details.', 'Next.'],
    },
    {
      name: 'initials do not end a sentence',
      text: 'The method of J. R. Smith was used. It worked.',
      sentences: ['The method of J. R. Smith was used.', 'It worked.'],
    },
    {
      name: 'italic species names and sup markup stay whole',
      text: 'We grew *E. coli* and *S. aureus*. Ca<sup>2+</sup> rose in *E. coli*. <sup>18</sup>F-FDG uptake fell.',
      sentences: ['We grew *E. coli* and *S. aureus*.', 'Ca<sup>2+</sup> rose in *E. coli*.', '<sup>18</sup>F-FDG uptake fell.'],
    },
    {
      name: 'a sentence may start with a digit or a gene-style token',
      text: 'Cells were counted. 30% died. mRNA levels rose. p53 was lost.',
      sentences: ['Cells were counted.', '30% died.', 'mRNA levels rose.', 'p53 was lost.'],
    },
    {
      name: 'question marks, exclamation marks and closing brackets end a sentence',
      text: 'Does it work? Yes! It did (mostly.) Done',
      sentences: ['Does it work?', 'Yes!', 'It did (mostly.)', 'Done'],
    },
    {
      name: 'a lone capital before a full stop reads as an initial, so its sentence runs on',
      text: 'Levels of vitamin D. Were low. Done.',
      sentences: ['Levels of vitamin D. Were low.', 'Done.'],
    },
    {
      name: 'a lower-case word after a full stop does not start a sentence',
      text: 'Values were 3 mm. in diameter. Fine.',
      sentences: ['Values were 3 mm. in diameter.', 'Fine.'],
    },
  ];

  for (const { name, text, sentences } of cases) {
    test(name, () => {
      assert.deepEqual(splitSentences(text), sentences);
    });
  }

  test('every sentence is a verbatim slice of the text', () => {
    for (const { text } of cases) {
      for (const sentence of splitSentences(text)) assert.ok(text.includes(sentence), sentence);
    }
  });

  test('empty text has no sentences', () => {
    assert.deepEqual(splitSentences(''), []);
  });
});
