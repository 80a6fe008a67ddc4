-- OpenLedger's own tables on SQLite. Idempotent: applied at every start.
CREATE TABLE IF NOT EXISTS ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_blocks (
    height       INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL UNIQUE,
    header       BLOB NOT NULL,
    signature    BLOB NOT NULL,
    tx_count     INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_transactions (
    hash      BLOB PRIMARY KEY,
    height    INTEGER NOT NULL,
    idx       INTEGER NOT NULL,
    sender    BLOB NOT NULL,
    recipient BLOB,
    kind      INTEGER NOT NULL,
    raw       BLOB NOT NULL,
    status    INTEGER NOT NULL,
    error     INTEGER NOT NULL,
    gas_used  INTEGER NOT NULL,
    fee       TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_block ON ledger_transactions (height, idx);
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_sender ON ledger_transactions (sender, height);
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_recipient ON ledger_transactions (recipient, height);
CREATE TABLE IF NOT EXISTS ledger_accounts (
    address        BLOB PRIMARY KEY,
    idx            INTEGER NOT NULL UNIQUE,
    balance        TEXT NOT NULL,
    nonce          INTEGER NOT NULL,
    updated_height INTEGER NOT NULL
) WITHOUT ROWID;
