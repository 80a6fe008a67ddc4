using OpenLedger.Core.Errors;

namespace OpenLedger.Core.Transactions.Fields;

/// <summary>Size limits on the free-form fields of transaction bodies. They are part of decoding, so a transaction
/// that breaks one never reaches the mempool; the error names the field and the limit.</summary>
public static class FieldLimits
{
    public const int Name = 64;
    public const int Description = 2048;
    public const int License = 64;
    public const int Tag = 32;
    public const int Tags = 16;
    public const int Curators = 32;
    public const int BaseModel = 128;
    public const int Reason = 256;
    public const int DatanetVersions = 16;
    /// <summary>The codec's cap on attribution entries; the genesis sets the chain's own (lower or equal) limit.</summary>
    public const int Attributions = 1024;

    public static LedgerError Text(string field, string value, int maxBytes, bool required = false)
    {
        if (required && string.IsNullOrWhiteSpace(value)) return new(ErrorCode.InvalidField, $"{field} must not be empty");
        var n = System.Text.Encoding.UTF8.GetByteCount(value);
        return n > maxBytes ? new(ErrorCode.InvalidField, $"{field} is {n} bytes; the limit is {maxBytes}") : LedgerError.None;
    }

    public static LedgerError Count<T>(string field, T[] items, int max) =>
        items.Length > max ? new(ErrorCode.InvalidField, $"{field} has {items.Length} entries; the limit is {max}") : LedgerError.None;

    /// <summary>The first error of several checks, or none.</summary>
    public static LedgerError First(params LedgerError[] checks)
    {
        foreach (var c in checks) if (c.IsError) return c;
        return LedgerError.None;
    }
}
