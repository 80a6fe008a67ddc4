using OpenLedger.Core.Crypto;

namespace OpenLedger.Cli.Keys;

/// <summary>Where a verb's key came from: given (a key file, the environment, --key) or derived from a dev genesis'
/// public seed (--dev N, --operator ...), which only a dev chain accepts.</summary>
public enum KeySource { Given, DevAccount, DevOperator }

/// <summary>The key a verb signs with, where it came from, and for a derived key the chain id of the genesis it was
/// derived from (it must be the node's chain).</summary>
public sealed record SigningKey(PrivateKey Key, KeySource Source, ulong? DerivedForChain = null)
{
    public bool IsDerived => Source != KeySource.Given;
}
