using OpenLedger.Client;

namespace OpenLedger.Cli.Marketplace;

/// <summary>What became of one transaction of a batch (<see cref="MarketSession.SendBatchAsync"/>): its outcome, and
/// why it was not waited for when an earlier one of the batch was refused (its nonce then stays unused, so the ones
/// signed after it wait in the mempool).</summary>
public sealed record BatchOutcome(SendOutcome Outcome, string? Problem)
{
    /// <summary>One line: the problem, else the outcome.</summary>
    public string Describe() => Problem ?? Outcome.Describe();
}
