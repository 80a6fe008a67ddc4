-- Model Factory's training checkpoints on SQLite: one row per unfinished job holding its last checkpoint (a newer one
-- replaces it; the row goes when the job succeeds) and the job's run epoch (see the PostgreSQL script).
-- Idempotent: applied at every start. A rowid table: rows hold blobs of kilobytes to megabytes.
CREATE TABLE IF NOT EXISTS ml_checkpoints (
    job          BLOB PRIMARY KEY,
    epoch        INTEGER NOT NULL,
    silo         TEXT NOT NULL,
    claimed_ms   INTEGER NOT NULL,
    step         INTEGER,
    state_json   TEXT,
    tensors      BLOB,
    written_ms   INTEGER
);
