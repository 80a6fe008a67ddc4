using System.Globalization;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Genesis;

namespace OpenLedger.Cli.Keys;

/// <summary>
/// The keys anyone can derive from the published dev seed (<see cref="DevChain.Seed"/>, keccak256(seed + "/" +
/// label)): the dev accounts, the producer, the marketplace operators and the treasury. They are fine on a dev chain and
/// worthless everywhere else: whatever they sign, anyone could have signed. So a real chain's genesis may not name
/// their addresses, and neither a node nor the CLI signs with them on a chain that is not a dev chain.
/// </summary>
public static class WellKnownDevKeys
{
    /// <summary>Dev accounts 0..Accounts-1 are recognised (the dev genesis funds 10; `genesis --dev --dev-count` more).</summary>
    public const int Accounts = 1_024;

    private static readonly Lazy<HashSet<Hash32>> Secrets = new(() => Labels().Select(l => Keccak256.Hash($"{DevChain.Seed}/{l}")).ToHashSet());
    private static readonly Lazy<Dictionary<Address, string>> ByAddress = new(() => Labels().ToDictionary(l => PrivateKey.Derive(DevChain.Seed, l).Address, l => l));

    /// <summary>Whether the key is one of the published dev keys.</summary>
    public static bool Contains(PrivateKey key) => Secrets.Value.Contains(Hash32.Parse(key.ToHex()));

    /// <summary>The dev key's label ("3", "producer", ...) when <paramref name="address"/> is a published dev key's
    /// address; null otherwise. (Derives every published key's address the first time: about a second.)</summary>
    public static string? LabelOf(Address address) => ByAddress.Value.GetValueOrDefault(address);

    private static IEnumerable<string> Labels() =>
        Enumerable.Range(0, Accounts).Select(i => i.ToString(CultureInfo.InvariantCulture))
            .Concat(DevChain.RoleLabels);
}
