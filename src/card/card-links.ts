import type { Article } from '../parse/article.ts';

export type CardSource = 'PMC' | 'PubMed';

/** PMC when the article has a PMC full text (a PMCID), else PubMed (CARD.md, source). */
export function cardSource(article: Article): CardSource {
  return article.pmcid ? 'PMC' : 'PubMed';
}

export function pmcArticleUrl(pmcid: string): string {
  return `https://pmc.ncbi.nlm.nih.gov/articles/${pmcid}/`;
}

export function pubmedUrl(pmid: string): string {
  return `https://pubmed.ncbi.nlm.nih.gov/${pmid}/`;
}

/**
 * The DOI's page at doi.org, the DOI percent-encoded but its `/` kept (doi.org's advice): a DOI
 * may hold `#`, `?`, `<` or `;` (old SICI DOIs do), which would otherwise end or break the URL.
 */
export function doiUrl(doi: string): string {
  return `https://doi.org/${encodeURIComponent(doi).replaceAll('%2F', '/')}`;
}

/** The record a card links back to: the PMC article when there is one, else PubMed. */
export function sourceUrl(article: Article): string {
  if (article.pmcid) return pmcArticleUrl(article.pmcid);
  if (article.pmid) return pubmedUrl(article.pmid);
  return article.doi ? `https://doi.org/${article.doi}` : '—';
}
