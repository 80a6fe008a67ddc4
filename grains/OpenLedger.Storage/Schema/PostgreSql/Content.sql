-- The off-chain content store on PostgreSQL: contribution bytes addressed by their keccak256, shared by every silo.
-- Idempotent: applied at every start, under an advisory lock.
CREATE TABLE IF NOT EXISTS content_blobs (
    hash            BYTEA PRIMARY KEY,  -- keccak256 of data
    normalized_hash BYTEA NOT NULL,     -- keccak256 of the normalized form: equal for exact duplicates
    size            BIGINT NOT NULL,    -- bytes of data
    minhash         BYTEA,              -- 64 big-endian uint32 slots; NULL for binary content
    data            BYTEA NOT NULL,
    created_ms      BIGINT NOT NULL     -- when the cluster first stored it (Unix ms)
);
CREATE INDEX IF NOT EXISTS ix_content_blobs_normalized ON content_blobs (normalized_hash);
