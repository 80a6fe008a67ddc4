-- Model Factory's training checkpoints on PostgreSQL, shared by every ML silo: one row per unfinished job holding its last
-- checkpoint (a newer one replaces it; the row goes when the job succeeds) and the job's run epoch, the fence that keeps
-- a stale run (a silo that paused past its membership timeout) from overwriting its successor's checkpoint.
-- Idempotent: applied at every ML silo's start, under an advisory lock.
CREATE TABLE IF NOT EXISTS ml_checkpoints (
    job          BYTEA PRIMARY KEY,  -- the training job's id
    epoch        BIGINT NOT NULL,    -- incremented by every run that starts the job
    silo         TEXT NOT NULL,      -- the silo of the run holding the epoch
    claimed_ms   BIGINT NOT NULL,    -- when that run started (Unix ms)
    step         INTEGER,            -- the checkpoint's step; NULL: none yet
    state_json   TEXT,               -- checkpoint.json: step, data position, the tensors' keccak256
    tensors      BYTEA,              -- checkpoint.safetensors: trained tensors and AdamW's moments
    written_ms   BIGINT              -- when the checkpoint was written (Unix ms)
);
