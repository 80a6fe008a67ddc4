using OpenLedger.Cli.CommandLine;
using System.Security.Cryptography;
using System.Text;
using OpenLedger.Cli.Keys;

namespace OpenLedger.Gateway.Hosting.Boundary;

/// <summary>
/// The operator's credential for the node's administrative API: a random 256-bit token in a file only its owner can
/// read (like a database's or Bitcoin Core's cookie file). Whoever can read the node's data directory is its
/// operator; nobody else (another local user, a web page in the operator's browser, the LAN) can.
/// </summary>
public sealed class OperatorToken
{
    public const string DefaultFileName = LocalNodeFiles.OperatorTokenFileName;

    private readonly byte[] _token;

    private OperatorToken(string path, byte[] token) => (Path, _token) = (path, token);

    /// <summary>Where the token lives (the message of a refused request points there).</summary>
    public string Path { get; }

    /// <summary>Reads the token at <paramref name="path"/>, or makes a new one there (owner read/write only).</summary>
    /// <exception cref="UsageException">the file is readable by others or malformed.</exception>
    public static OperatorToken LoadOrCreate(string path)
    {
        path = System.IO.Path.GetFullPath(path);
        // False when it exists already (made before, or by another process of this node just now): use that one.
        OwnerOnlyFile.TryCreate(path, Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)) + "\n");
        string text;
        try { text = OwnerOnlyFile.ReadText(path, "administers the node").Trim(); }
        catch (CredentialFileException e) { throw new UsageException(e.Message); }
        if (text.Length < 32 || !text.All(Uri.IsHexDigit))
            throw new UsageException($"{path} does not hold an operator token (at least 32 hex digits); delete it and a new one is made");
        return new OperatorToken(path, Encoding.ASCII.GetBytes(text.ToLowerInvariant()));
    }

    /// <summary>Compares in constant time, so the time a refusal takes says nothing about the token.</summary>
    public bool Matches(string? presented)
    {
        if (string.IsNullOrEmpty(presented)) return false;
        var bytes = Encoding.ASCII.GetBytes(presented.Trim().ToLowerInvariant());
        return CryptographicOperations.FixedTimeEquals(bytes, _token);
    }
}
