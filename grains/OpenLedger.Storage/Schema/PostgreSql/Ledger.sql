-- OpenLedger's own tables on PostgreSQL. Idempotent: applied at every start, under an advisory lock.
CREATE TABLE IF NOT EXISTS ledger_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
-- The block producer's fence: one row, whose epoch every producer activation increments when it takes over and
-- every fenced block commit checks inside its own transaction, so a producer that was superseded (a paused silo
-- waking after its successor took over) cannot commit. Created on start, so older data directories get it too.
CREATE TABLE IF NOT EXISTS ledger_producer (
    id            INTEGER PRIMARY KEY CHECK (id = 1),
    epoch         BIGINT NOT NULL,
    holder        TEXT NOT NULL,
    claimed_at_ms BIGINT NOT NULL
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
-- Marketplace objects (datanets, contributions, versions, models, inferences): the canonical bytes the state tree
-- commits to, at their tree index, plus the columns queries filter by.
CREATE TABLE IF NOT EXISTS ledger_objects (
    id             BYTEA PRIMARY KEY,
    idx            INTEGER NOT NULL UNIQUE,
    kind           SMALLINT NOT NULL,
    parent         BYTEA,
    party          BYTEA NOT NULL,
    status         SMALLINT NOT NULL,
    created_height BIGINT NOT NULL,
    updated_height BIGINT NOT NULL,
    data           BYTEA NOT NULL
);
CREATE INDEX IF NOT EXISTS ix_ledger_objects_kind ON ledger_objects (kind, idx);
CREATE INDEX IF NOT EXISTS ix_ledger_objects_parent ON ledger_objects (parent, kind, idx);
CREATE INDEX IF NOT EXISTS ix_ledger_objects_party ON ledger_objects (party, kind, idx);
-- Marketplace events in block order: activity feeds and reward histories. A settlement credits a hundred or more
-- payees (RewardCredited, kind 12): those are rows of ledger_reward_credits below, except in data written before it
-- existed and for a credit that does not follow its settlement. The datanet and model indexes leave kind 12 out:
-- credits are found by payee (party) or by inference (subject), and datanet/model feeds are about the datanet or model.
CREATE TABLE IF NOT EXISTS ledger_events (
    height       BIGINT NOT NULL,
    seq          INTEGER NOT NULL,
    tx_index     INTEGER NOT NULL,
    tx_hash      BYTEA NOT NULL,
    kind         SMALLINT NOT NULL,
    subject      BYTEA NOT NULL,
    party        BYTEA,
    amount       TEXT,
    datanet      BYTEA,
    model        BYTEA,
    contribution BYTEA,
    inference    BYTEA,
    detail       TEXT,
    PRIMARY KEY (height, seq)
);
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
    height       BIGINT NOT NULL,
    seq          INTEGER NOT NULL,
    settled_seq  INTEGER NOT NULL,
    party        BYTEA NOT NULL,
    amount       TEXT NOT NULL,
    datanet      BYTEA,
    contribution BYTEA,
    detail       TEXT,
    PRIMARY KEY (height, settled_seq, seq)
);
CREATE INDEX IF NOT EXISTS ix_ledger_reward_credits_party ON ledger_reward_credits (party, height, settled_seq, seq);
CREATE INDEX IF NOT EXISTS ix_ledger_reward_credits_contribution ON ledger_reward_credits (contribution, height, settled_seq, seq);
