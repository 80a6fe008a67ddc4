using System.Text.Json;
using Orleans.Hosting;

namespace OpenLedger.Storage;

/// <summary>
/// Hosting for Orleans' ADO.NET providers on this project's schema (see <c>Schema/</c>): grain storage on SQLite or
/// PostgreSQL with JSON payloads, and reminders on PostgreSQL (though no grain uses them and the silo does not call
/// <see cref="UseOpenLedgerPostgresReminders"/>). Membership, which the gateway needs too, is ClusterMembership in
/// OpenLedger.Cluster, over the clustering tables this project's schema installs. Run
/// <see cref="Schema.OrleansSchemaInstaller.EnsureAsync"/> before the silo starts: the providers read their
/// queries from the database when they initialise.
/// </summary>
public static class GrainStorageHosting
{
    /// <summary>
    /// Adds a named grain storage (<c>[PersistentState("x", name)]</c>) backed by ADO.NET, storing state as
    /// System.Text.Json (<see cref="JsonGrainStorageSerializer"/>) instead of Orleans' default Newtonsoft JSON with
    /// <c>$type</c> names.
    /// </summary>
    /// <remarks>
    /// A row is identified by (service id, state name, grain key): Orleans hands the provider the state name, not the
    /// grain type, so two grain classes with the same state name and key would share a row. Name each state after its
    /// grain (<c>"account"</c>, ...; the block producer's is <c>"sequencer"</c>, its grain's former name, kept so existing
    /// rows are found), and never rename a state name: its rows would be orphaned.
    /// </remarks>
    /// <param name="builder">The silo builder.</param>
    /// <param name="name">The storage provider name grains refer to.</param>
    /// <param name="backend">SQLite file or PostgreSQL database.</param>
    /// <param name="connectionString">Microsoft.Data.Sqlite or Npgsql connection string.</param>
    /// <param name="jsonOptions">Serializer options (converters for domain types); defaults to
    /// <see cref="JsonGrainStorageSerializer.CreateDefaultOptions"/>.</param>
    public static ISiloBuilder AddOpenLedgerGrainStorage(
        this ISiloBuilder builder,
        string name,
        StorageBackend backend,
        string connectionString,
        JsonSerializerOptions? jsonOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var invariant = backend.Invariant();
        var serializer = new JsonGrainStorageSerializer(jsonOptions ?? JsonGrainStorageSerializer.CreateDefaultOptions());
        return builder.AddAdoNetGrainStorage(name, options =>
        {
            options.Invariant = invariant;
            options.ConnectionString = connectionString;
            options.GrainStorageSerializer = serializer;
        });
    }

    /// <summary>Durable reminders in the PostgreSQL database (ADO.NET reminders, invariant <c>Npgsql</c>). Unused: no grain
    /// registers a reminder (timers do the periodic work), only the schema tests call it.</summary>
    public static ISiloBuilder UseOpenLedgerPostgresReminders(this ISiloBuilder builder, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        return builder.UseAdoNetReminderService(options =>
        {
            options.Invariant = StorageBackendNames.PostgresInvariant;
            options.ConnectionString = connectionString;
        });
    }
}
