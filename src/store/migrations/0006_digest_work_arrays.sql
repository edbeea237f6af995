-- Storage that grows per digest, not per (subscriber, work) pair (issue 21 item 4). A row per
-- delivered pair in digest_items and another in subscriber_sent came to about 400 bytes a pair:
-- 2.3 MB per subscriber a year at 20 works a day. Now a digest holds its works as one array,
-- and the sent history is one row per delivery (a sent digest, or works recorded as received
-- outside one) with that delivery's works as an array. "Already sent" reads the subscriber's
-- deliveries, which retention.sentDays prunes a whole delivery at a time.

ALTER TABLE digests ADD COLUMN work_keys text[] NOT NULL DEFAULT '{}';
UPDATE digests d SET work_keys = i.keys
  FROM (SELECT digest_id, array_agg(work_key ORDER BY position) AS keys FROM digest_items GROUP BY digest_id) i
  WHERE i.digest_id = d.id;
DROP TABLE digest_items;

-- One row per delivery. A sent digest writes all its pairs with one sent_at, so grouping the
-- old pairs by (subscriber, sent_at) gives back one row per digest sent; two deliveries to one
-- subscriber in the same microsecond are one delivery.
CREATE TABLE subscriber_sends (
  subscriber_id text NOT NULL REFERENCES subscribers (id) ON DELETE CASCADE,
  sent_at timestamptz NOT NULL,
  work_keys text[] NOT NULL,
  PRIMARY KEY (subscriber_id, sent_at)
);
CREATE INDEX subscriber_sends_at ON subscriber_sends (sent_at);
INSERT INTO subscriber_sends (subscriber_id, sent_at, work_keys)
  SELECT subscriber_id, sent_at, array_agg(work_key ORDER BY work_key) FROM subscriber_sent GROUP BY subscriber_id, sent_at;
DROP TABLE subscriber_sent;

-- A digest plan pages through the active subscribers of one frequency and zone by id.
CREATE INDEX subscribers_due ON subscribers (frequency, timezone, id) WHERE status = 'active';
