-- The off-chain content store on SQLite: contribution bytes addressed by their keccak256. Idempotent: applied at every start.
-- A rowid table (not WITHOUT ROWID): rows hold blobs of kilobytes to megabytes, which WITHOUT ROWID tables store badly.
CREATE TABLE IF NOT EXISTS content_blobs (
    hash            BLOB PRIMARY KEY,  -- keccak256 of data
    normalized_hash BLOB NOT NULL,     -- keccak256 of the normalized form: equal for exact duplicates
    size            INTEGER NOT NULL,  -- bytes of data
    minhash         BLOB,              -- 64 big-endian uint32 slots; NULL for binary content
    data            BLOB NOT NULL,
    created_ms      INTEGER NOT NULL   -- when this node first stored it (Unix ms)
);
CREATE INDEX IF NOT EXISTS ix_content_blobs_normalized ON content_blobs (normalized_hash);
