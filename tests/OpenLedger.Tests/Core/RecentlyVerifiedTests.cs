using OpenLedger.Core.Crypto;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Core;

/// <summary>The bound on what the node remembers having verified: a key is kept for at least one full generation of
/// later keys and forgotten after two, however often the two reused sets have turned over.</summary>
public class RecentlyVerifiedTests
{
    private static Hash32 K(int i) => Keccak256.Hash($"key {i}");

    [Fact]
    public void A_key_is_kept_for_a_generation_of_later_keys_and_forgotten_after_two()
    {
        const int generation = 8;
        var set = new TwoGenerationSet(generation);
        var next = 0;
        // Several turns over, so that the reused (cleared) sets are what is being checked, not fresh ones.
        for (int round = 0; round < 5; round++)
        {
            var key = K(next++);
            set.Add(key);
            for (int i = 0; i < generation; i++)
            {
                set.Add(K(next++));
                Assert.True(set.Contains(key), $"round {round}: forgotten after {i + 1} later keys");
            }
            for (int i = 0; i <= generation; i++) set.Add(K(next++));
            Assert.False(set.Contains(key), $"round {round}: still remembered after {2 * generation + 1} later keys");
            // Everything of the last generation is still there.
            for (int i = next - generation + 1; i < next; i++) Assert.True(set.Contains(K(i)));
        }
    }

    [Fact]
    public void The_node_wide_set_recognises_bytes_it_verified_and_not_others()
    {
        var raw = System.Text.Encoding.UTF8.GetBytes($"bytes verified by this test {Guid.NewGuid()}");
        Assert.False(RecentlyVerified.Contains(raw));
        RecentlyVerified.Add(raw);
        Assert.True(RecentlyVerified.Contains(raw));
        raw[0] ^= 1;
        Assert.False(RecentlyVerified.Contains(raw));
    }
}
