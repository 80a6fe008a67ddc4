using static OpenLedger.Storage.Ledger.Sql.ColumnType;

namespace OpenLedger.Storage.Ledger.Sql;

/// <summary>The ledger's tables as Schema/Sqlite/Ledger.sql and Schema/PostgreSql/Ledger.sql create them: the one
/// place in code that names their columns (a test checks both schema files against it). The order is the tables'
/// column order; the row writers (<see cref="LedgerRows"/>) give values in it.</summary>
internal static class LedgerTables
{
    public static readonly LedgerTable Meta = new("ledger_meta", [
        new("key", Text),
        new("value", Text),
    ]);

    /// <summary>The producer's fence: one row (id 1), see <see cref="ProducerFence"/>.</summary>
    public static readonly LedgerTable Producer = new("ledger_producer", [
        new("id", Integer),
        new("epoch", BigInt),
        new("holder", Text),
        new("claimed_at_ms", BigInt),
    ]);

    public static readonly LedgerTable Blocks = new("ledger_blocks", [
        new("height", BigInt),
        new("hash", Bytes),
        new("header", Bytes),
        new("signature", Bytes),
        new("tx_count", Integer),
        new("timestamp_ms", BigInt),
    ]);

    public static readonly LedgerTable Transactions = new("ledger_transactions", [
        new("hash", Bytes),
        new("height", BigInt),
        new("idx", Integer),
        new("sender", Bytes),
        new("recipient", Bytes, Nullable: true),
        new("kind", Integer),
        new("raw", Bytes),
        new("status", SmallInt),
        new("error", Integer),
        new("gas_used", BigInt),
        new("fee", Text),
    ]);

    public static readonly LedgerTable Accounts = new("ledger_accounts", [
        new("address", Bytes),
        new("idx", Integer),
        new("balance", Text),
        new("nonce", BigInt),
        new("updated_height", BigInt),
    ], conflictKey: "address", updatedOnConflict: ["balance", "nonce", "updated_height"]);

    public static readonly LedgerTable Objects = new("ledger_objects", [
        new("id", Bytes),
        new("idx", Integer),
        new("kind", SmallInt),
        new("parent", Bytes, Nullable: true),
        new("party", Bytes),
        new("status", SmallInt),
        new("created_height", BigInt),
        new("updated_height", BigInt),
        new("data", Bytes),
    ], conflictKey: "id", updatedOnConflict: ["status", "updated_height", "data"]);

    public static readonly LedgerTable Events = new("ledger_events", [
        new("height", BigInt),
        new("seq", Integer),
        new("tx_index", Integer),
        new("tx_hash", Bytes),
        new("kind", SmallInt),
        new("subject", Bytes),
        new("party", Bytes, Nullable: true),
        new("amount", Text, Nullable: true),
        new("datanet", Bytes, Nullable: true),
        new("model", Bytes, Nullable: true),
        new("contribution", Bytes, Nullable: true),
        new("inference", Bytes, Nullable: true),
        new("detail", Text, Nullable: true),
    ]);

    /// <summary>A settlement's reward credits, narrow: the rest of each event is its settlement's row in
    /// <see cref="Events"/> at (height, settled_seq) (<see cref="SqlRewardCredits"/>).</summary>
    public static readonly LedgerTable RewardCredits = new("ledger_reward_credits", [
        new("height", BigInt),
        new("seq", Integer),
        new("settled_seq", Integer),
        new("party", Bytes),
        new("amount", Text),
        new("datanet", Bytes, Nullable: true),
        new("contribution", Bytes, Nullable: true),
        new("detail", Text, Nullable: true),
    ]);

    public static readonly IReadOnlyList<LedgerTable> All = [Meta, Producer, Blocks, Transactions, Accounts, Objects, Events, RewardCredits];
}
