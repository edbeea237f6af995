-- Each watch's feeds as last built, one row per format, shared by every web process: a feed is
-- built once per change of what it shows (its version), not once per request. Nothing here is
-- a record: it is rebuilt from the works when missing, so export and import leave it out.
CREATE TABLE feed_cache (
  watch_id text NOT NULL,
  format text NOT NULL,
  -- A digest of what the feed shows (works, their changes, the watch's name, the layout).
  version text NOT NULL,
  etag text NOT NULL,
  body text NOT NULL,
  -- HTTP Last-Modified: whole seconds, and later than the version it replaced.
  last_modified timestamptz NOT NULL,
  PRIMARY KEY (watch_id, format)
);
