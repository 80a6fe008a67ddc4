using System.Text;

namespace OpenLedger.Cli.Keys;

/// <summary>
/// Files that hold a secret (a private key, a node's operator token): created readable by their owner only, and refused
/// when others can read or write them, as ssh refuses a private key others can read. Whoever reads such a file acts
/// as its owner, and on a shared machine other users can read anything that is not owner-only.
/// </summary>
public static class OwnerOnlyFile
{
    private const UnixFileMode Others = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
                                        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    /// <summary>Refuses a file that others can read or write; <paramref name="grants"/> says what reading it allows
    /// ("signs as 0x…", "administers the node").</summary>
    /// <exception cref="CredentialFileException">it is missing, or open to others.</exception>
    public static void CheckPermissions(string path, string grants)
    {
        if (!File.Exists(path)) throw new CredentialFileException($"no such file: {path}");
        if (OperatingSystem.IsWindows()) return;
        var mode = File.GetUnixFileMode(path);
        if ((mode & Others) != 0)
            throw new CredentialFileException(
                $"{path} is readable or writable by other users (mode {Convert.ToString((int)mode, 8)}): whoever reads it {grants}. Run: chmod 600 {path}");
    }

    /// <summary>The file's text, after <see cref="CheckPermissions"/>.</summary>
    public static string ReadText(string path, string grants)
    {
        path = Path.GetFullPath(path);
        CheckPermissions(path, grants);
        try
        {
            return File.ReadAllText(path, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CredentialFileException($"cannot read {path}: {e.Message}");
        }
    }

    /// <summary>Creates the file with mode 0600 and writes <paramref name="text"/>; false (and nothing written) when it
    /// already exists, so a secret is never overwritten and two processes creating it at once keep the first.</summary>
    public static bool TryCreate(string path, string text)
    {
        path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        try
        {
            using var file = new FileStream(path, options);
            file.Write(Encoding.UTF8.GetBytes(text));
            return true;
        }
        catch (IOException) when (File.Exists(path))
        {
            return false;
        }
    }
}

/// <summary>A secret's file cannot be used: missing, unreadable, open to other users, or not what it should hold. The
/// message says what to do.</summary>
public sealed class CredentialFileException(string message) : Exception(message);
