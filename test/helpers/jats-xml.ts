/** Builds JATS `<article>` elements as PMC's efetch returns them, for the integration tests. */
export interface JatsSpec {
  pmcid: string;
  pmid?: string;
  doi?: string;
  title: string;
  abstract: string;
  /** Body paragraphs; none means PMC returned the article without its body. */
  body?: string[];
  captionedFigures?: number;
  uncaptionedFigures?: number;
  references?: number;
  journal?: string;
}

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

export function jatsArticleXml(spec: JatsSpec): string {
  const ids = [
    `<article-id pub-id-type="pmcid">${spec.pmcid}</article-id>`,
    spec.pmid ? `<article-id pub-id-type="pmid">${spec.pmid}</article-id>` : '',
    spec.doi ? `<article-id pub-id-type="doi">${esc(spec.doi)}</article-id>` : '',
  ].join('');
  const figures = [
    ...Array.from(
      { length: spec.captionedFigures ?? 0 },
      (_, i) => `<fig id="F${i + 1}"><label>Figure ${i + 1}</label><caption><p>Osteolytic lesion area, panel ${i + 1}.</p></caption><graphic/></fig>`,
    ),
    ...Array.from({ length: spec.uncaptionedFigures ?? 0 }, (_, i) => `<fig id="U${i + 1}"><graphic/></fig>`),
  ].join('');
  const body = spec.body ? `<body><sec><title>Introduction</title>${spec.body.map((p) => `<p>${esc(p)}</p>`).join('')}${figures}</sec></body>` : '';
  const refs = Array.from(
    { length: spec.references ?? 0 },
    (_, i) =>
      `<ref id="R${i + 1}"><element-citation publication-type="journal"><article-title>Cited work ${i + 1}</article-title><source>Bone</source><year>2020</year></element-citation></ref>`,
  ).join('');
  return `<article article-type="research-article" xml:lang="en"><front><journal-meta><journal-title-group><journal-title>${esc(spec.journal ?? 'Journal of Bone Oncology')}</journal-title></journal-title-group><issn pub-type="epub">2212-1374</issn></journal-meta><article-meta>${ids}<title-group><article-title>${esc(spec.title)}</article-title></title-group><contrib-group><contrib contrib-type="author"><name><surname>Okafor</surname><given-names>Ngozi</given-names></name></contrib></contrib-group><pub-date pub-type="epub"><day>20</day><month>11</month><year>2026</year></pub-date><volume>40</volume><abstract><p>${esc(spec.abstract)}</p></abstract></article-meta></front>${body}<back>${refs ? `<ref-list>${refs}</ref-list>` : ''}</back></article>`;
}
