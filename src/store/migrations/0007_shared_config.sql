-- One config and one vocabulary for every machine (issue 21 item 3). Each process used to read
-- config/watches.yaml and the vocabulary folder of its own machine, so a worker with an older
-- copy skipped a new watch and cards differed by machine. Whoever edits the file stores it here
-- as a new version, and every process follows the newest version.
CREATE TABLE config_versions (
  version bigserial PRIMARY KEY,
  -- sha256 of the YAML text, hex: how a process tells its local file from the shared one.
  sha256 text NOT NULL,
  yaml text NOT NULL,
  -- `host:pid path`: which process stored it, from which file.
  loaded_by text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);

-- The vocabulary files (diseases.tsv, species.tsv, mesh_to_mondo.tsv: about 5 MB of text) as one
-- gzip of a JSON object {file name: text}, about a third of that; one row per distinct content.
CREATE TABLE vocabulary_versions (
  version bigserial PRIMARY KEY,
  sha256 text NOT NULL UNIQUE,
  archive bytea NOT NULL,
  loaded_by text NOT NULL,
  loaded_at timestamptz NOT NULL DEFAULT now()
);
