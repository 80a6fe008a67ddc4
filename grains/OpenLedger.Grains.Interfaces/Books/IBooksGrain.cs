namespace OpenLedger.Grains.Books;

/// <summary>The books (key 0): statements of accounts, datanets and models, read from the committed blocks.</summary>
public interface IBooksGrain : IGrainWithIntegerKey
{
    Task<StatementView> GetStatementAsync(StatementRequest request);
}
