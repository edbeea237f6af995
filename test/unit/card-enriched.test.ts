import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { renderCard } from '../../src/card/render-card.ts';
import type { WorkEntities } from '../../src/entities/entity-types.ts';
import type { FullText } from '../../src/parse/full-text.ts';
import { makeArticle } from '../fixtures/card/articles.ts';
import { sectionBody } from '../helpers/card-sections.ts';

const PMC = makeArticle({ pmcid: 'PMC12877326' });
const FULL_TEXT: FullText = {
  pmcid: 'PMC12877326',
  hasBody: true,
  figures: Array.from({ length: 6 }, (_, i) => ({ label: `Figure ${i + 1}`, caption: `Caption ${i + 1}` })),
  referenceCount: 322,
  graphicalAbstract: 'This figure emphasizes current understanding of bone metastasis.',
};

const ENTITIES: WorkEntities = {
  source: 'pubtator',
  scope: 'fulltext',
  diseases: [
    { type: 'Disease', id: 'MESH:D009369', mention: 'cancer' },
    { type: 'Disease', id: 'MESH:D001943', mention: 'breast, prostate, and lung cancers' },
  ],
  chemicals: [],
  genes: [{ type: 'Gene', id: '673', mention: 'BRAF' }],
  species: [{ type: 'Species', id: '9606', mention: 'patients', scientificName: 'Homo sapiens', commonName: 'human' }],
  linkedDiseases: [
    { mondoId: 'MONDO:0004989', label: 'breast cancer', meshId: 'MESH:D001943' },
    { mondoId: 'MONDO:0005159', label: 'prostate cancer', meshId: 'MESH:D011471' },
  ],
  annotatedAt: 0,
};

describe('a card with its PMC full text', () => {
  const card = renderCard({ article: PMC, fullText: FULL_TEXT });

  test('counts figures with captions and references, pointing at the paper in PMC', () => {
    assert.equal(sectionBody(card, 'Figures'), '6 figures with captions in the complete paper: https://pmc.ncbi.nlm.nih.gov/articles/PMC12877326/');
    assert.equal(sectionBody(card, 'References'), '322 references — full list in the complete paper: https://pmc.ncbi.nlm.nih.gov/articles/PMC12877326/');
    assert.equal(sectionBody(card, 'Full text'), 'Read the complete paper in PMC: https://pmc.ncbi.nlm.nih.gov/articles/PMC12877326/');
  });

  test('shows the graphical abstract caption as its own paragraph after the abstract', () => {
    assert.match(sectionBody(card, 'Abstract'), /particular\.\n\nThis figure emphasizes current understanding of bone metastasis\.$/);
  });

  test('says "not open access" when PMC returned no body', () => {
    const closed = renderCard({ article: PMC, fullText: { ...FULL_TEXT, hasBody: false, figures: [], referenceCount: 0 } });
    for (const heading of ['Full text', 'Figures', 'References']) assert.equal(sectionBody(closed, heading), '_Not open access: no full text in PMC._');
  });

  test('one figure or reference reads in the singular', () => {
    const one = renderCard({ article: PMC, fullText: { ...FULL_TEXT, figures: [{ caption: 'x' }], referenceCount: 1 } });
    assert.match(sectionBody(one, 'Figures'), /^1 figure with captions/);
    assert.match(sectionBody(one, 'References'), /^1 reference — /);
  });
});

describe('a card with entities', () => {
  const card = renderCard({ article: PMC, entities: ENTITIES });

  test('lists linked diseases as MONDO terms', () => {
    assert.equal(sectionBody(card, 'Linked entities'), '- **Diseases:** breast cancer (MONDO:0004989), prostate cancer (MONDO:0005159)');
  });

  test('lists full-text entities in the seed formats, leaving out an empty Chemicals line', () => {
    assert.equal(
      sectionBody(card, 'Full-text entities'),
      [
        '- **Diseases:** cancer (MESH:D009369), breast, prostate, and lung cancers (MESH:D001943)',
        '- **Genes:** BRAF (NCBI Gene:673)',
        '- **Species:** Homo sapiens (human, species) [taxon 9606]',
      ].join('\n'),
    );
  });

  test("says when the tags are litwatch's own, made before PubTator annotated the article", () => {
    const local = renderCard({
      article: PMC,
      entities: { ...ENTITIES, source: 'local', genes: [], species: [{ type: 'Species', id: '10090', mention: 'mice' }] },
    });
    const body = sectionBody(local, 'Full-text entities');
    assert.match(body, /- \*\*Species:\*\* mice \(species\) \[taxon 10090\]/);
    assert.match(body, /Tagged offline with litwatch's vocabulary/);
  });

  test('without annotations the sections say so', () => {
    const bare = renderCard({ article: PMC });
    assert.equal(sectionBody(bare, 'Linked entities'), '_No entity annotations yet._');
    assert.equal(sectionBody(bare, 'Full-text entities'), '_No entity annotations yet._');
  });
});
