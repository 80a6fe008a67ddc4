-- OpenLedger's own tables on PostgreSQL. Idempotent: applied at every start, under an advisory lock.
CREATE TABLE IF NOT EXISTS ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_blocks (
    height       BIGINT PRIMARY KEY,
    hash         BYTEA NOT NULL UNIQUE,
    header       BYTEA NOT NULL,
    signature    BYTEA NOT NULL,
    tx_count     INTEGER NOT NULL,
    timestamp_ms BIGINT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_transactions (
    hash      BYTEA PRIMARY KEY,
    height    BIGINT NOT NULL,
    idx       INTEGER NOT NULL,
    sender    BYTEA NOT NULL,
    recipient BYTEA,
    kind      INTEGER NOT NULL,
    raw       BYTEA NOT NULL,
    status    SMALLINT NOT NULL,
    error     INTEGER NOT NULL,
    gas_used  BIGINT NOT NULL,
    fee       TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_block ON ledger_transactions (height, idx);
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_sender ON ledger_transactions (sender, height);
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_recipient ON ledger_transactions (recipient, height);
CREATE TABLE IF NOT EXISTS ledger_accounts (
    address        BYTEA PRIMARY KEY,
    idx            INTEGER NOT NULL UNIQUE,
    balance        TEXT NOT NULL,
    nonce          BIGINT NOT NULL,
    updated_height BIGINT NOT NULL
);
