using OpenLedger.Client;

namespace OpenLedger.Cli.CommandLine;

/// <summary>How a command line of <c>openledger</c> or <c>openledger-cli</c> maps to an exit code: 0 success; 1 refused
/// or failed on the node, no node at the URL, or no answer in time; 2 a mistake on the command line (the message names
/// it). Both executables' Program run it with their own verbs, and so do tests, in-process.</summary>
public static class VerbHost
{
    /// <param name="program">The executable's name, for "run `PROGRAM help`".</param>
    /// <param name="verbs">Runs the verb <see cref="Args.Verb"/> names, writing to the output given.</param>
    /// <param name="usage">Writes the help text to the output given (for <c>help</c>, <c>--help</c> and <c>-h</c>).</param>
    public static async Task<int> RunAsync(string program, string[] argv, TextWriter output, TextWriter error,
        Func<Args, TextWriter, Task<int>> verbs, Action<TextWriter> usage)
    {
        try
        {
            // `PROGRAM VERB --help` prints the usage and does nothing else (for verbs whose options are all optional,
            // such as run or ml train-base, running would otherwise start the work).
            if (argv.Contains("--help") || argv.Contains("-h")) return Help(usage, output);
            var args = new Args(argv);
            if (args.Verb == "help") return Help(usage, output);
            return args.Value(PrintedField.Option) is { } field
                ? await PrintedField.RunAsync(field, output, error, buffer => verbs(args, buffer))
                : await verbs(args, output);
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine($"run `{program} help` for usage");
            return 2;
        }
        catch (Exception e) when (e is NodeUnreachableException or GraphQLRequestException)
        {
            // No node at the URL (the message names it), or the node refused the request with its stable code first
            // (e.g. OPERATOR_REQUIRED, UPLOAD_QUOTA_EXCEEDED).
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
        catch (HttpRequestException e)
        {
            // Connected, then the connection failed (reset, closed mid-answer, TLS): what the node did is not known.
            error.WriteLine($"error: the connection to the node failed ({e.Message}); check `{program} tx HASH` or `{program} account ADDRESS` before retrying");
            return 1;
        }
        catch (TimeoutException e)
        {
            // The node took too long to answer a call (a busy or stalled silo): nothing is known to have failed or succeeded.
            error.WriteLine($"error: the node did not answer in time ({e.Message}); check `{program} tx HASH` or `{program} account ADDRESS` before retrying");
            return 1;
        }
    }

    private static int Help(Action<TextWriter> usage, TextWriter output)
    {
        usage(output);
        return 0;
    }
}
