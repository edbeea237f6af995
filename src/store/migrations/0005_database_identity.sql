-- Which database this is: a random id made once, here. Every litwatch process writes it to Redis
-- under its key prefix at start (SystemStore.claimQueues) and refuses queues already claimed by
-- another database: a worker started on a second machine against a database of its own (its
-- embedded one, or a copy) would otherwise take the shared queues' jobs and store their works
-- where nobody reads them. One row; an export/import does not carry it (a new database, a new id).
CREATE TABLE database_identity (
  only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
  id uuid NOT NULL DEFAULT gen_random_uuid(),
  created_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO database_identity DEFAULT VALUES;
