using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Grains;
using OpenLedger.Grains.Market;

namespace OpenLedger.Tests.Streams;

/// <summary>The stream messages of a block are the same whether each event is converted alone or the block's text is
/// made once and shared; an address's grain key is its lower-case text, written without the EIP-55 keccak.</summary>
public class MarketEventMessagesTests
{
    private static readonly Gen<Hash32> GHash = Gen.Byte.Array[32].Select(b => new Hash32(b));
    private static readonly Gen<Address> GAddress = Gen.Byte.Array[20].Select(b => new Address(b));

    [Fact]
    public void An_address_key_is_its_checksummed_text_in_lower_case() =>
        GAddress.Sample(a =>
        {
            Assert.Equal(a.ToString().ToLowerInvariant(), GrainKeys.Of(a));
            Assert.Equal(a, Address.Parse(GrainKeys.Of(a)));
        }, iter: 2000);

    [Fact]
    public void A_block_converted_at_once_gives_each_event_the_message_it_gets_alone()
    {
        // Few distinct ids, payees and amounts, so the block repeats them as a settlement's credits do; nulls and
        // block-level events (no transaction) mixed in.
        var hashes = GHash.Array[4];
        var addresses = GAddress.Array[3];
        Gen.Select(hashes, addresses, Gen.Int[0, 200], Gen.Int).Sample((ids, payees, count, seed) =>
        {
            var rnd = new Random(seed);
            Hash32? Maybe(Hash32[] from) => rnd.Next(3) == 0 ? null : from[rnd.Next(from.Length)];
            var kinds = Enum.GetValues<MarketEventKind>();
            var events = Enumerable.Range(0, count).Select(_ => new MarketEvent(
                kinds[rnd.Next(kinds.Length)], rnd.Next(4) - 1, ids[rnd.Next(ids.Length)], ids[rnd.Next(ids.Length)],
                rnd.Next(3) == 0 ? null : payees[rnd.Next(payees.Length)],
                rnd.Next(3) == 0 ? null : new Wei((UInt128)rnd.Next(5) * ulong.MaxValue),
                Maybe(ids), Maybe(ids), Maybe(ids), Maybe(ids),
                rnd.Next(2) == 0 ? null : InferenceRulesRoles[rnd.Next(InferenceRulesRoles.Length)])).ToList();

            var block = MarketEventMessages.OfBlock(42, 1_700_000_000_123, events);
            Assert.Equal(events.Select((e, seq) => MarketEventMessages.From(42, seq, 1_700_000_000_123, e)), block);
        }, iter: 300);
    }

    private static readonly string[] InferenceRulesRoles = ["contributor", "owner", "protocol"];
}
