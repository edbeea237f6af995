-- Permanent SMTP refusals of a subscriber's address (5xx at RCPT TO) since its last accepted
-- message. At mail.bounceLimit the subscriber becomes 'bouncing' and is sent nothing more, until
-- it is made active again (preferences, or the admin adding it again), which clears the count.
ALTER TABLE subscribers ADD COLUMN bounces integer NOT NULL DEFAULT 0;
ALTER TABLE subscribers DROP CONSTRAINT subscribers_status_check;
ALTER TABLE subscribers ADD CONSTRAINT subscribers_status_check CHECK (status IN ('active', 'paused', 'unsubscribed', 'bouncing'));
