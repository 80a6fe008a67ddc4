namespace OpenLedger.Benchmarks.ScaleOut;

/// <summary>The store a cluster runs on: one PostgreSQL database for every silo, or the embedded SQLite file of one node.</summary>
public enum StoreKind { PostgreSql, Sqlite }
