-- litwatch's durable records. Documents (jsonb) are {"v": <version>, "value": ...}: a reader
-- knows which shape it reads, and a later migration can rewrite old versions.

-- One row per work. key: normalised DOI, else pmid:<PMID>, else pmcid:<PMCID>.
CREATE TABLE works (
  key text PRIMARY KEY,
  doi text,
  pmid text,
  pmcid text,
  title text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('pubmed', 'book', 'pmc')),
  article jsonb NOT NULL,
  hash text NOT NULL,
  first_seen timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  idconv_at timestamptz,
  -- Authors, journal, abstract and MeSH terms as plain text, and the entity names enrichment adds.
  search_body text NOT NULL DEFAULT '',
  entity_names text NOT NULL DEFAULT '',
  search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('english', title), 'A')
    || setweight(to_tsvector('english', entity_names), 'B')
    || setweight(to_tsvector('english', search_body), 'C')
  ) STORED
);
CREATE INDEX works_first_seen ON works (first_seen DESC);
CREATE INDEX works_search ON works USING gin (search);

-- Every id a work is known by, each pointing at one work: the normalised DOI, PMIDs, PMCIDs.
CREATE TABLE work_ids (
  id_kind text NOT NULL CHECK (id_kind IN ('doi', 'pmid', 'pmcid')),
  value text NOT NULL,
  work_key text NOT NULL REFERENCES works (key) ON DELETE CASCADE,
  PRIMARY KEY (id_kind, value)
);
CREATE INDEX work_ids_work ON work_ids (work_key);

-- Which watches matched a work, and when each first did.
CREATE TABLE work_watches (
  work_key text NOT NULL REFERENCES works (key) ON DELETE CASCADE,
  watch_id text NOT NULL,
  matched_at timestamptz NOT NULL,
  PRIMARY KEY (work_key, watch_id)
);
CREATE INDEX work_watches_watch ON work_watches (watch_id, matched_at DESC);

-- The databases a work was found in.
CREATE TABLE work_sources (
  work_key text NOT NULL REFERENCES works (key) ON DELETE CASCADE,
  source text NOT NULL CHECK (source IN ('pubmed', 'pmc')),
  PRIMARY KEY (work_key, source)
);

-- What enrichment added: PMC full text, entities, a model summary; PubTator asked again until.
CREATE TABLE work_enrichment (
  work_key text PRIMARY KEY REFERENCES works (key) ON DELETE CASCADE,
  full_text jsonb,
  entities jsonb,
  summary jsonb,
  pubtator_retry_until timestamptz
);
CREATE INDEX work_enrichment_retry ON work_enrichment (pubtator_retry_until) WHERE pubtator_retry_until IS NOT NULL;

-- Works whose card is not complete yet: queued for enrichment, or failed (attempts > 0) and
-- tried again by a later poll from next_at.
CREATE TABLE enrichment_pending (
  work_key text PRIMARY KEY REFERENCES works (key) ON DELETE CASCADE,
  since timestamptz NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  steps text[],
  last_error text,
  next_at timestamptz
);
CREATE INDEX enrichment_pending_due ON enrichment_pending (next_at) WHERE next_at IS NOT NULL;

-- Retractions, errata, expressions of concern PubMed links to a work.
CREATE TABLE work_notices (
  work_key text NOT NULL REFERENCES works (key) ON DELETE CASCADE,
  notice_pmid text NOT NULL,
  notice jsonb NOT NULL,
  PRIMARY KEY (work_key, notice_pmid)
);

-- Where each watch's next poll starts, tied to the query that covered it.
CREATE TABLE watch_cursors (
  watch_id text PRIMARY KEY,
  date text NOT NULL,
  query_hash text NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Each watch's last poll.
CREATE TABLE watch_status (
  watch_id text PRIMARY KEY,
  last_poll_at timestamptz,
  last_poll_ok boolean,
  last_found_at timestamptz,
  last_error text,
  query text,
  -- What PubMed or PMC searched instead of the query as written, at the last successful poll.
  query_warnings jsonb
);

CREATE TABLE subscribers (
  id text PRIMARY KEY,
  email text NOT NULL,
  email_norm text NOT NULL UNIQUE,
  watches text[] NOT NULL,
  frequency text NOT NULL CHECK (frequency IN ('daily', 'weekly')),
  timezone text NOT NULL,
  status text NOT NULL CHECK (status IN ('active', 'paused', 'unsubscribed')),
  origin text NOT NULL CHECK (origin IN ('config', 'admin', 'self')),
  filters jsonb NOT NULL,
  send_empty boolean NOT NULL,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL
);

-- Self-subscriptions waiting for their confirmation link.
CREATE TABLE subscription_requests (
  id text PRIMARY KEY,
  email text NOT NULL,
  watches text[] NOT NULL,
  frequency text NOT NULL,
  timezone text NOT NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX subscription_requests_expiry ON subscription_requests (expires_at);

-- Which works each subscriber received (each work is sent to a reader once).
CREATE TABLE subscriber_sent (
  subscriber_id text NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  work_key text NOT NULL,
  sent_at timestamptz NOT NULL,
  PRIMARY KEY (subscriber_id, work_key)
);
CREATE INDEX subscriber_sent_at ON subscriber_sent (sent_at);

-- Notices a subscriber is owed: on works they received, told once in their next digest.
CREATE TABLE owed_notices (
  subscriber_id text NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  work_key text NOT NULL,
  notice_pmid text NOT NULL,
  PRIMARY KEY (subscriber_id, work_key, notice_pmid)
);

-- Built digests. status pending -> sending (under a lease) -> sent | failed | cancelled.
-- released: its works are no longer held back from the next digest (failed for good, cancelled).
CREATE TABLE digests (
  id text PRIMARY KEY,
  subscriber_id text NOT NULL,
  period text NOT NULL,
  status text NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'failed', 'cancelled')),
  subject text NOT NULL,
  html text,
  text text,
  notices text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  sent_at timestamptz,
  attempts integer NOT NULL DEFAULT 0,
  last_error text,
  lease_until timestamptz,
  released boolean NOT NULL DEFAULT false
);
CREATE INDEX digests_created ON digests (created_at DESC);
CREATE INDEX digests_subscriber ON digests (subscriber_id, status);

CREATE TABLE digest_items (
  digest_id text NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
  position integer NOT NULL,
  work_key text NOT NULL,
  PRIMARY KEY (digest_id, position)
);
CREATE INDEX digest_items_work ON digest_items (work_key);

-- Installation-wide counters that must survive a restart of Redis (/metrics totals).
CREATE TABLE metric_counters (
  name text PRIMARY KEY,
  value bigint NOT NULL DEFAULT 0
);
