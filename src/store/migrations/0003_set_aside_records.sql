-- Records a fetch could not store: PostgreSQL (or the store's own rules) refused them, so they
-- were set aside with the reason while the rest of their batch, the poll and the watch's cursor
-- went on. Listed on /admin and by `litwatch set-aside`; a record stored later (fixed upstream,
-- or by a newer litwatch) leaves the list. One row per record, whichever watch met it last.
CREATE TABLE set_aside_records (
  source text NOT NULL CHECK (source IN ('pubmed', 'pmc')),
  -- The PMID (PubMed) or PMCID (PMC) the record came under.
  record_id text NOT NULL,
  watch_id text NOT NULL,
  reason text NOT NULL,
  -- The title as read, cut short: enough to recognise the record.
  title text NOT NULL DEFAULT '',
  first_at timestamptz NOT NULL,
  last_at timestamptz NOT NULL,
  times integer NOT NULL DEFAULT 1,
  PRIMARY KEY (source, record_id)
);
CREATE INDEX set_aside_records_last ON set_aside_records (last_at DESC);
