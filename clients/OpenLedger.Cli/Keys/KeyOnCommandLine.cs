namespace OpenLedger.Cli.Keys;

/// <summary>The warning for a private key given as a command-line value: every local user can read a process's
/// command line (ps, /proc/PID/cmdline), and shells keep it in their history.</summary>
public static class KeyOnCommandLine
{
    public static void Warn(TextWriter error, string option, string instead) =>
        error.WriteLine($"warning: --{option} puts a private key on the command line, where other local users can read it (ps, /proc) " +
                        $"and your shell's history keeps it; prefer {instead}");
}
