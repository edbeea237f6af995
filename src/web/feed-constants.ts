/** A feed lists a watch's newest works, as PubMed's saved-search RSS does. */
export const FEED_ITEMS = 100;
