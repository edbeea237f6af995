/** Builds PubTator3 BioC JSON documents, for the integration tests. */
export interface BiocAnnotationSpec {
  type: 'Disease' | 'Chemical' | 'Gene' | 'Species';
  id: string;
  text: string;
}

/**
 * One document with a title and an abstract passage; each annotation is placed where its text
 * first occurs in them (the test writes texts that contain the mentions).
 */
export function biocDocument(spec: { pmid?: string; pmcid?: string; title: string; abstract: string; annotations: BiocAnnotationSpec[] }): unknown {
  const passages = [
    { type: 'title', offset: 0, text: spec.title },
    { type: 'abstract', offset: spec.title.length + 1, text: spec.abstract },
  ];
  const annotated = passages.map((passage) => ({
    infons: { type: passage.type },
    offset: passage.offset,
    text: passage.text,
    annotations: spec.annotations
      .filter((a) => passage.text.includes(a.text))
      .map((a, i) => ({
        id: `${passage.type}-${i}`,
        infons: { identifier: a.id, type: a.type, database: a.type === 'Gene' ? 'ncbi_gene' : a.type === 'Species' ? 'ncbi_taxonomy' : 'ncbi_mesh' },
        text: a.text,
        locations: [{ offset: passage.offset + passage.text.indexOf(a.text), length: a.text.length }],
      })),
  }));
  return {
    _id: `${spec.pmid ?? spec.pmcid}|None`,
    id: spec.pmid ?? spec.pmcid,
    pmid: spec.pmid ? Number(spec.pmid) : undefined,
    pmcid: spec.pmcid,
    passages: annotated,
  };
}
