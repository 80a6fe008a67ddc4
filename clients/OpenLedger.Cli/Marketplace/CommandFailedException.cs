namespace OpenLedger.Cli.Marketplace;

/// <summary>A verb that reached the node but could not do what it was asked (an unknown id, a failed upload): exit code 1.</summary>
public sealed class CommandFailedException(string message) : Exception(message);
