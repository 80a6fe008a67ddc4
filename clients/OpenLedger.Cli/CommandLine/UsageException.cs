namespace OpenLedger.Cli.CommandLine;

/// <summary>A mistake on the command line: printed with usage, exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
