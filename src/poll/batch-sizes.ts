/** efetch batch size for PubMed: NCBI's guideline is a few hundred records per request. */
export const PUBMED_BATCH_SIZE = 200;

/** JATS articles are large: 20 a request keeps a PMC response at a few MB. */
export const PMC_BATCH_SIZE = 20;
