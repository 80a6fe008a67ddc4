using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;

namespace OpenLedger.Cli.Keys;

/// <summary>A private key in a file: its 0x-hex (64 digits) on one line, readable by its owner only (mode 0600).
/// Keys come from files or the environment rather than command lines, which other local users can read (ps,
/// /proc/PID/cmdline).</summary>
public static class KeyFile
{
    /// <exception cref="CredentialFileException">missing, open to others, or not a key.</exception>
    public static PrivateKey Load(string path)
    {
        var text = OwnerOnlyFile.ReadText(path, "signs as the key's address");
        return Parse(text) ?? throw new CredentialFileException($"{Path.GetFullPath(path)} does not hold a private key (0x + 64 hex digits on one line)");
    }

    /// <summary>A key in text (0x-hex, surrounding white space ignored); null if it is not one.</summary>
    public static PrivateKey? Parse(string? text)
    {
        if (!Hex.TryDecode(text, out var bytes) || bytes.Length != 32) return null;
        try { return new PrivateKey(bytes); }
        catch (ArgumentException) { return null; } // zero, or not below the group order
    }

    /// <summary>Writes a new key file (mode 0600); refuses to overwrite an existing file.</summary>
    /// <exception cref="CredentialFileException">the file exists.</exception>
    public static void Create(string path, PrivateKey key)
    {
        if (!OwnerOnlyFile.TryCreate(path, key.ToHex() + "\n"))
            throw new CredentialFileException($"{Path.GetFullPath(path)} exists; a key file is never overwritten (choose another --out)");
    }
}
