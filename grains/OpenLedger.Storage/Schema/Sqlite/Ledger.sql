-- OpenLedger's own tables on SQLite. Idempotent: applied at every start.
CREATE TABLE IF NOT EXISTS ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- The block producer's fence: one row, whose epoch every producer activation increments when it takes over and
-- every fenced block commit checks inside its own transaction, so a producer that was superseded (a paused silo
-- waking after its successor took over) cannot commit. Created on start, so older data directories get it too.
CREATE TABLE IF NOT EXISTS ledger_producer (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    epoch         INTEGER NOT NULL,
    holder        TEXT NOT NULL,
    claimed_at_ms INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS ledger_blocks (
    height       INTEGER PRIMARY KEY,
    hash         BLOB NOT NULL UNIQUE,
    header       BLOB NOT NULL,
    signature    BLOB NOT NULL,
    tx_count     INTEGER NOT NULL,
    timestamp_ms INTEGER NOT NULL
);
-- Stored in block order, (height, idx): a block's rows append to the table's last pages. Keyed by hash, each row
-- went to a random page, and a block of thousands rewrote most of the table's pages into the write-ahead log. The
-- hash has its own (much smaller) unique index. A database created with the hash key is converted at start-up
-- (LedgerSchema, SqliteTransactionsLayout).
CREATE TABLE IF NOT EXISTS ledger_transactions (
    hash      BLOB NOT NULL UNIQUE,
    height    INTEGER NOT NULL,
    idx       INTEGER NOT NULL,
    sender    BLOB NOT NULL,
    recipient BLOB,
    kind      INTEGER NOT NULL,
    raw       BLOB NOT NULL,
    status    INTEGER NOT NULL,
    error     INTEGER NOT NULL,
    gas_used  INTEGER NOT NULL,
    fee       TEXT NOT NULL,
    PRIMARY KEY (height, idx)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_sender ON ledger_transactions (sender, height);
CREATE INDEX IF NOT EXISTS ix_ledger_transactions_recipient ON ledger_transactions (recipient, height);
CREATE TABLE IF NOT EXISTS ledger_accounts (
    address        BLOB PRIMARY KEY,
    idx            INTEGER NOT NULL UNIQUE,
    balance        TEXT NOT NULL,
    nonce          INTEGER NOT NULL,
    updated_height INTEGER NOT NULL
) WITHOUT ROWID;
-- Marketplace objects (datanets, contributions, versions, models, inferences): the canonical bytes the state tree
-- commits to, at their tree index, plus the columns queries filter by.
CREATE TABLE IF NOT EXISTS ledger_objects (
    id             BLOB PRIMARY KEY,
    idx            INTEGER NOT NULL UNIQUE,
    kind           INTEGER NOT NULL,
    parent         BLOB,
    party          BLOB NOT NULL,
    status         INTEGER NOT NULL,
    created_height INTEGER NOT NULL,
    updated_height INTEGER NOT NULL,
    data           BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_ledger_objects_kind ON ledger_objects (kind, idx);
CREATE INDEX IF NOT EXISTS ix_ledger_objects_parent ON ledger_objects (parent, kind, idx);
CREATE INDEX IF NOT EXISTS ix_ledger_objects_party ON ledger_objects (party, kind, idx);
-- Marketplace events in block order: activity feeds and reward histories. A settlement credits a hundred or more
-- payees (RewardCredited, kind 12): those are rows of ledger_reward_credits below, except in data written before it
-- existed and for a credit that does not follow its settlement. The datanet and model indexes leave kind 12 out:
-- credits are found by payee (party) or by inference (subject), and datanet/model feeds are about the datanet or model.
CREATE TABLE IF NOT EXISTS ledger_events (
    height       INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    tx_index     INTEGER NOT NULL,
    tx_hash      BLOB NOT NULL,
    kind         INTEGER NOT NULL,
    subject      BLOB NOT NULL,
    party        BLOB,
    amount       TEXT,
    datanet      BLOB,
    model        BLOB,
    contribution BLOB,
    inference    BLOB,
    detail       TEXT,
    PRIMARY KEY (height, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_ledger_events_party ON ledger_events (party, height, seq);
CREATE INDEX IF NOT EXISTS ix_ledger_events_datanet ON ledger_events (datanet, height, seq) WHERE kind <> 12;
CREATE INDEX IF NOT EXISTS ix_ledger_events_model ON ledger_events (model, height, seq) WHERE kind <> 12;
-- A model's reward credits apart (a settlement credits up to a hundred payees): marketEvents(model:) merges the two.
CREATE INDEX IF NOT EXISTS ix_ledger_events_model_rewards ON ledger_events (model, height, seq) WHERE kind = 12;
CREATE INDEX IF NOT EXISTS ix_ledger_events_subject ON ledger_events (subject, height, seq);
-- A contribution's reward credits (Contribution.influence), without scanning its contributor's every credit.
CREATE INDEX IF NOT EXISTS ix_ledger_events_contribution_rewards ON ledger_events (contribution, height, seq) WHERE kind = 12;
-- The credits still here, in block order: a feed of every credit (kinds [RewardCredited]) reads the narrow table and
-- these, and without it would scan every other event to find few or none.
CREATE INDEX IF NOT EXISTS ix_ledger_events_rewards ON ledger_events (height, seq) WHERE kind = 12;
-- A settlement's reward credits (a hundred or more per settlement), apart and narrow: the columns every credit of one
-- settlement shares with its InferenceSettled event (tx_index, tx_hash, subject, model, inference) are read from that
-- event's row (height, settled_seq) in ledger_events, and only the payee, amount, datanet, contribution and role are
-- stored, with two indexes (payee, contribution) instead of ledger_events' four. A credit goes here only when it
-- directly follows its settlement event or another credit of it in the block (SqlRewardCredits), so that ordering by
-- (height, settled_seq, seq) is block order; any other credit, and every credit written before this table existed, is
-- a row of ledger_events, and the queries read both.
CREATE TABLE IF NOT EXISTS ledger_reward_credits (
    height       INTEGER NOT NULL,
    seq          INTEGER NOT NULL,
    settled_seq  INTEGER NOT NULL,
    party        BLOB NOT NULL,
    amount       TEXT NOT NULL,
    datanet      BLOB,
    contribution BLOB,
    detail       TEXT,
    PRIMARY KEY (height, settled_seq, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS ix_ledger_reward_credits_party ON ledger_reward_credits (party, height, settled_seq, seq);
CREATE INDEX IF NOT EXISTS ix_ledger_reward_credits_contribution ON ledger_reward_credits (contribution, height, settled_seq, seq);
