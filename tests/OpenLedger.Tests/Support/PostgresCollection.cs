using Xunit;

namespace OpenLedger.Tests.Support;

/// <summary>Test classes marked <c>[Collection("postgres")]</c> share one PostgreSQL server for the whole run.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres";
}
