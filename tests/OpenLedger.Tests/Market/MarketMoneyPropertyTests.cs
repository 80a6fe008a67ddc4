using System.Numerics;
using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Tests.Market;

/// <summary>Money is exact: the fee split's parts sum to the whole and are each within one wei of their share, and no
/// sequence of marketplace transactions creates or destroys a wei.</summary>
public class MarketMoneyPropertyTests
{
    private static readonly Gen<UInt128> GTotal = Gen.OneOf<UInt128>(
        Gen.ULong.Select(Gen.ULong, (hi, lo) => new UInt128(hi, lo)),
        Gen.ULong.Select(x => (UInt128)x),
        Gen.ULong[0, 1000].Select(x => (UInt128)x),
        Gen.OneOf(UInt128.Zero, UInt128.One, UInt128.MaxValue, UInt128.MaxValue - 1));

    private static readonly Gen<ulong> GWeight = Gen.Frequency<ulong>(
        (3, Gen.ULong),
        (3, Gen.ULong[0, 10]),
        (2, Gen.Const(0UL)),
        (1, Gen.OneOf(ulong.MaxValue, ulong.MaxValue - 1, 1UL << 63)));

    private static readonly Gen<ulong[]> GWeights = GWeight.Array[1, 300].Where(w => w.Any(x => x != 0));

    [Fact]
    public void Split_parts_sum_to_the_total_and_each_is_within_one_wei_of_its_exact_share() =>
        GTotal.Select(GWeights).Sample((total, weights) =>
        {
            var parts = FeeSplit.Split(new Wei(total), weights);
            Assert.Equal(weights.Length, parts.Length);
            BigInteger sum = 0, t = total;
            foreach (var w in weights) sum += w;
            BigInteger given = 0;
            for (int i = 0; i < parts.Length; i++)
            {
                BigInteger p = parts[i].Value;
                given += p;
                // |p - total*w/sum| < 1  <=>  |p*sum - total*w| < sum
                var error = BigInteger.Abs(p * sum - t * weights[i]);
                Assert.True(error < sum, $"part {i} = {p} is a wei or more from {t}*{weights[i]}/{sum}");
                if (weights[i] == 0) Assert.Equal(BigInteger.Zero, p);
                if ((t * weights[i]) % sum == 0) Assert.Equal(t * weights[i] / sum, p); // exact shares get no spare wei
            }
            Assert.Equal(t, given);
        }, iter: 2000);

    [Fact]
    public void Equal_weights_give_parts_differing_by_at_most_one_wei_the_spare_wei_going_first() =>
        GTotal.Select(Gen.Int[1, 300], Gen.ULong[1, ulong.MaxValue]).Sample((total, n, w) =>
        {
            var parts = FeeSplit.Split(new Wei(total), Enumerable.Repeat(w, n).ToArray());
            var (min, max) = (parts.Min(p => p.Value), parts.Max(p => p.Value));
            Assert.True(max - min <= 1);
            Assert.Equal(total / (UInt128)n, min);
            // Ties go to the lower index: the parts never increase.
            for (int i = 1; i < n; i++) Assert.True(parts[i - 1] >= parts[i]);
            Assert.Equal(total % (UInt128)n, (UInt128)parts.Count(p => p.Value == max && max != min));
        }, iter: 1000);

    [Fact]
    public void Split_is_deterministic_and_invariant_to_scaling_the_weights() =>
        GTotal.Select(Gen.ULong[0, 1_000_000].Array[1, 50].Where(w => w.Any(x => x != 0)), Gen.ULong[1, 1000]).Sample((total, weights, k) =>
        {
            var a = FeeSplit.Split(new Wei(total), weights);
            var b = FeeSplit.Split(new Wei(total), weights.Select(w => w * k).ToArray());
            Assert.Equal(a, b);
        }, iter: 500);

    [Fact]
    public void The_128_bit_split_gives_the_same_parts_as_the_big_integer_split_wherever_it_is_taken() =>
        // Amounts and weights whose products fit in 128 bits (Split takes the UInt128 path for them), with ties and
        // leftover wei: the two paths must agree to the wei, index by index.
        Gen.OneOf<UInt128>(GTotal, Gen.ULong.Select(x => (UInt128)x), Gen.ULong[0, 1_000_000_000_000_000_000].Select(x => (UInt128)x))
            .Select(Gen.Frequency<ulong>((3, Gen.ULong[0, 10]), (3, Gen.ULong[0, 1_000_000]), (2, Gen.ULong), (1, Gen.Const(0UL))).Array[1, 300]
                .Where(w => w.Any(x => x != 0)))
            .Sample((total, weights) =>
            {
                var max = weights.Max();
                if (total > UInt128.MaxValue / max) return; // not the narrow path's input: Split takes the wide path itself
                UInt128 sum = 0;
                foreach (var w in weights) sum += w;
                var narrow = FeeSplit.SplitNarrow(total, weights, sum);
                Assert.Equal(FeeSplit.SplitWide(new Wei(total), weights), narrow);
                Assert.Equal(narrow, FeeSplit.Split(new Wei(total), weights));
            }, iter: 5000);

    [Fact]
    public void Split_takes_the_big_integer_path_where_a_product_needs_more_than_128_bits()
    {
        // 2^127 x 3 does not fit in 128 bits: the parts still sum to the whole and match the big-integer method.
        var total = new Wei(UInt128.One << 127);
        ulong[] weights = [3, 1, ulong.MaxValue];
        Assert.Equal(FeeSplit.SplitWide(total, weights), FeeSplit.Split(total, weights));
        Assert.Equal(total.Value, FeeSplit.Split(total, weights).Aggregate(UInt128.Zero, (a, p) => a + p.Value));
    }

    [Fact]
    public void Split_refuses_no_weights_or_only_zero_weights()
    {
        Assert.ThrowsAny<ArgumentException>(() => FeeSplit.Split(new Wei(5), []));
        Assert.ThrowsAny<ArgumentException>(() => FeeSplit.Split(new Wei(5), [0, 0]));
        Assert.Equal([new Wei(UInt128.MaxValue)], FeeSplit.Split(new Wei(UInt128.MaxValue), [ulong.MaxValue]));
        Assert.Equal([Wei.Zero, Wei.Zero], FeeSplit.Split(Wei.Zero, [1, 1]));
        Assert.Equal([new Wei(1), Wei.Zero, Wei.Zero], FeeSplit.Split(new Wei(1), [1, 1, 1]));
        Assert.Equal([Wei.Zero, new Wei(1)], FeeSplit.Split(new Wei(1), [1, 2]));
    }

    // ---- supply conservation over random marketplace histories ----

    /// <summary>One random step: an operation number and three random values the interpreter turns into a transaction
    /// that makes sense in the current state (or deliberately does not).</summary>
    public readonly record struct Op(int Kind, int A, int B, ulong X);

    // Kind 0 closes the block; 1..12 are transactions.
    private static readonly Gen<int> GKind = Gen.Frequency<int>(
        (5, Gen.Const(0)), (2, Gen.Const(1)), (1, Gen.Const(2)), (1, Gen.Const(3)), (4, Gen.Const(4)), (3, Gen.Const(5)), (2, Gen.Const(6)),
        (2, Gen.Const(7)), (1, Gen.Const(8)), (4, Gen.Const(9)), (4, Gen.Const(10)), (4, Gen.Const(11)), (1, Gen.Const(12)));

    internal static readonly Gen<Op> GOp = Gen.Select(GKind, Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.ULong, (k, a, b, x) => new Op(k, a, b, x));

    [Fact]
    public void No_history_of_marketplace_and_transfer_transactions_creates_or_destroys_a_wei()
    {
        var outcomes = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        Gen.Select(GOp.Array[1, 70], Gen.Bool, Gen.Int[1, 8], Gen.ULong).Sample((ops, owner, timeout, setup) =>
        {
            var d = new MarketDriver(accounts: 6, market: m =>
            {
                m.InferenceTimeoutBlocks = timeout;
                m.TimeoutResolution = owner ? "owner" : "refund";
                m.MaxContributionBytes = 5_000;
                m.MaxAttributions = 4;
            });
            var h = new History(d);
            h.Bootstrap(setup);
            var pending = new List<SignedTransaction>();
            foreach (var op in ops)
            {
                if (op.Kind == 0)
                {
                    h.Execute(pending);
                    pending.Clear();
                }
                else pending.Add(h.Next(op));
            }
            h.Execute(pending);
            for (int k = 0; k <= timeout; k++) h.Execute([]); // let every open inference expire

            // Every escrow is resolved; what is still held is exactly the stakes of uncurated contributions.
            Assert.All(d.Market.Objects().OfType<InferenceRequest>(), i => Assert.False(i.IsOpen));
            var stakes = d.Market.Objects().OfType<Contribution>().Where(c => c.Status == ContributionStatus.Pending)
                .Aggregate(Wei.Zero, (s, c) => s + c.Stake);
            Assert.Equal(stakes, d.Market.Held);
            Assert.Equal(d.Rules.TotalSupply.Value, d.State.Accounts().Aggregate(d.Market.Held.Value, (s, a) => s + a.State.Balance.Value));
            MarketStateLoadTests.AssertReloadsIdentically(d.State);

            foreach (var b in d.Executed)
            {
                foreach (var r in b.Receipts) outcomes.AddOrUpdate($"{b.Transactions[r.Index].Tx.Kind}:{r.Error}", 1, (_, n) => n + 1);
                foreach (var e in b.Events.Where(e => e.Kind == MarketEventKind.InferenceExpired)) outcomes.AddOrUpdate($"expired:{e.Detail}", 1, (_, n) => n + 1);
            }
        }, iter: 30);

        // The histories exercised every kind successfully, with failures and expiries of both resolutions.
        var summary = string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
        foreach (var kind in Enum.GetValues<TxKind>()) Assert.True(outcomes.ContainsKey($"{kind}:None"), $"no successful {kind}: {summary}");
        foreach (var code in new[] { ErrorCode.DuplicateContribution, ErrorCode.AlreadyCurated, ErrorCode.FeeSplitOutOfBounds, ErrorCode.AttributionNotInTrainingSet, ErrorCode.InsufficientBalance })
            Assert.True(outcomes.Keys.Any(k => k.EndsWith(":" + code, StringComparison.Ordinal)), $"no {code}: {summary}");
        Assert.True(outcomes.ContainsKey("expired:refund") && outcomes.ContainsKey("expired:owner"), summary);
    }

    /// <summary>Interprets random ops as transactions against a driver, mostly choosing objects and senders for which
    /// the transaction can succeed, sometimes not.</summary>
    internal sealed class History(MarketDriver d)
    {
        private static readonly (ushort, ushort, ushort)[] Splits =
            [(6_500, 2_500, 1_000), (0, 10_000, 0), (7_000, 1_000, 2_000), (3_333, 3_334, 3_333), (7_000, 2_000, 999), (8_000, 500, 1_500)];

        private MarketState M => d.Market;
        private PrivateKey Key(int i) => d.Keys[i % d.Keys.Count];
        private PrivateKey KeyOf(Address a, PrivateKey fallback) => d.Keys.FirstOrDefault(k => k.Address == a) ?? fallback;
        private List<T> All<T>() => M.Objects().OfType<T>().ToList();

        /// <summary>An element of <paramref name="preferred"/> most of the time, else of <paramref name="any"/>, else a random id.</summary>
        private static Hash32 Pick(IReadOnlyList<Hash32> preferred, IReadOnlyList<Hash32> any, int i)
        {
            if (i % 10 == 9) return MarketDriver.H($"random {i}");
            if (preferred.Count > 0 && i % 5 != 0) return preferred[i % preferred.Count];
            if (any.Count > 0) return any[i % any.Count];
            return MarketDriver.H($"random {i}");
        }

        /// <summary>A first datanet with approved, published content and a served inference on a model, so every
        /// history can reach settlements; its amounts and rules come from <paramref name="x"/>.</summary>
        public void Bootstrap(ulong x)
        {
            var stake = new Wei(x % 1_000_000_000_000_000_000);
            var datanet = d.Sign(Key(0), MarketDriver.NewDatanet("boot", new Wei((x >> 3) % 10_000_000_000_000_000), stake,
                x % 2 == 0 ? ForfeitRule.Owner : ForfeitRule.Treasury, Key(1).Address));
            Execute([datanet]);
            var contributions = Enumerable.Range(0, 4).Select(k => d.Sign(Key(2 + k), MarketDriver.Contribution(datanet.Hash, Item.Of($"boot {k} {x}")))).ToArray();
            Execute(contributions);
            Execute([.. contributions.Take(3).Select((c, k) => d.Sign(Key(1), new Curate(c.Hash, k != 1, ""))), d.Sign(Key(0), new PublishVersion(datanet.Hash))]);
            var (o, cb, p) = Splits[(int)(x % 4)];
            var model = d.Sign(Key(5), MarketDriver.NewModel("boot", new Wei((x >> 11) % 5_000_000_000_000_000_000), o, cb, p, DatanetVersion.IdOf(datanet.Hash, 1)));
            Execute([model]);
            var request = d.Sign(Key(3), new RequestInference(model.Hash, MarketDriver.H("boot"), Wei.FromOpen(10)));
            Execute([request, d.Sign(d.Serving, new PostResult(request.Hash, MarketDriver.H("boot out")))]);

            // Every outcome the test asserts was seen, made sure of here rather than left to the random ops (a run of
            // ops that happened to send no transfer beyond its sender's balance once failed the coverage check): a
            // transfer that pays and one beyond its sender's balance, a datanet and a model updated, a duplicate
            // contribution, a second curation, an out-of-bounds split, an attribution outside the training set (the
            // rejected contribution), then a settlement of the served inference. A second served inference is left
            // open, to expire by the history's resolution.
            Execute(
            [
                d.Sign(Key(4), new Transfer(Key(0).Address, new Wei(1))),
                d.Sign(Key(0), new UpdateDatanet(datanet.Hash, "boot, updated", [], [Key(1).Address])),
                d.Sign(Key(2), MarketDriver.Contribution(datanet.Hash, Item.Of($"boot 0 {x}"))),
                d.Sign(Key(1), new Curate(contributions[0].Hash, true, "again")),
                d.Sign(Key(4), MarketDriver.NewModel("boot split", Wei.Zero, 7_000, 2_000, 999, DatanetVersion.IdOf(datanet.Hash, 1))),
                d.Sign(Key(5), new UpdateModel(model.Hash, new Wei((x >> 11) % 5_000_000_000_000_000_000), ModelStatus.Active, Hash32.Zero, Hash32.Zero, [])),
                d.Sign(d.Attribution, new SettleAttribution(request.Hash, MarketDriver.H("boot record"), [contributions[1].Hash], [1])),
            ]);
            Execute([d.Sign(Key(5), new Transfer(Key(0).Address, d.Balance(Key(5)) + Wei.FromOpen(1)))]);
            var second = d.Sign(Key(3), new RequestInference(model.Hash, MarketDriver.H("boot 2"), Wei.FromOpen(10)));
            Execute(
            [
                d.Sign(d.Attribution, new SettleAttribution(request.Hash, MarketDriver.H("boot record"), [contributions[0].Hash, contributions[2].Hash], [1, 2])),
                second,
                d.Sign(d.Serving, new PostResult(second.Hash, MarketDriver.H("boot out 2"))),
            ]);
        }

        public void Execute(IReadOnlyList<SignedTransaction> txs)
        {
            var b = d.Block([.. txs]);
            // Every block: the supply is conserved (the driver checks) and what the market holds is exactly the
            // pending stakes and open escrows its objects say.
            Assert.Equal(d.HeldByObjects(), M.Held);
            Assert.Equal(b.Transactions.Count + b.Excluded.Count, txs.Count);
        }

        public SignedTransaction Next(Op op)
        {
            var (a, b, x) = (op.A, op.B, op.X);
            var sender = Key(a);
            var datanets = All<Datanet>().Select(o => o.Id).ToList();
            ITxBody body;
            switch (op.Kind)
            {
                case 1:
                    body = new Transfer(b % 7 == 0 ? PrivateKey.Derive("fresh", b.ToString(System.Globalization.CultureInfo.InvariantCulture)).Address : Key(b).Address,
                        x % 3 == 0 ? new Wei((UInt128)x * 1_000_000) : new Wei(x % 1_000_000_000_000_000_000)); // some exceed the balance
                    break;
                case 2:
                    body = MarketDriver.NewDatanet($"d{a}", new Wei(x % 10_000_000_000_000_000), new Wei((x >> 7) % 2_000_000_000_000_000_000),
                        b % 2 == 0 ? ForfeitRule.Owner : ForfeitRule.Treasury, Key(b).Address);
                    break;
                case 3:
                {
                    var id = Pick(datanets, datanets, b);
                    if (a % 3 != 0 && M.Datanet(id) is { } dn) sender = KeyOf(dn.Owner, sender);
                    body = new UpdateDatanet(id, $"updated {x}", [$"t{x % 3}"], [Key(b + 1).Address]);
                    break;
                }
                case 4:
                    // A small pool of normalized hashes, so duplicates happen; sizes around the 5,000-byte limit.
                    body = new Contribute(Pick(datanets, datanets, b), MarketDriver.H($"content {x}"), MarketDriver.H($"normal {x % 16}"), x % 5_200 + 1);
                    break;
                case 5:
                {
                    var all = All<Contribution>();
                    var c = Pick(all.Where(c => c.Status == ContributionStatus.Pending).Select(c => c.Id).ToList(), all.Select(c => c.Id).ToList(), b);
                    // Usually someone entitled: the datanet's owner or first curator.
                    if (a % 4 != 0 && M.Contribution(c) is { } co && M.Datanet(co.Datanet) is { } dn)
                        sender = KeyOf(a % 2 == 0 || dn.Curators.Length == 0 ? dn.Owner : dn.Curators[0], sender);
                    body = new Curate(c, x % 3 != 0, $"r{x % 5}");
                    break;
                }
                case 6:
                {
                    var id = Pick(datanets, datanets, b);
                    if (a % 4 != 0 && M.Datanet(id) is { } dn) sender = KeyOf(dn.Owner, sender);
                    body = new PublishVersion(id);
                    break;
                }
                case 7:
                {
                    var versions = All<DatanetVersion>().Select(v => v.Id).ToList();
                    var chosen = Enumerable.Range(0, 1 + b % 3).Select(k => Pick(versions, versions, a + 3 * k)).Distinct().ToArray();
                    var (o, c, p) = Splits[b % Splits.Length];
                    body = MarketDriver.NewModel($"m{a}", new Wei(x % 3_000_000_000_000_000_000), o, c, p, chosen);
                    break;
                }
                case 8:
                {
                    var models = All<Model>();
                    var m = Pick(models.Select(o => o.Id).ToList(), [], b);
                    if (a % 4 != 0 && M.Model(m) is { } model) sender = KeyOf(model.Owner, sender);
                    var versions = All<DatanetVersion>().Select(v => v.Id).ToList();
                    body = x % 3 == 0 && versions.Count > 0
                        ? new UpdateModel(m, new Wei(x % 3_000_000_000_000_000_000), ModelStatus.Active, MarketDriver.H($"adapter {x}"), MarketDriver.H($"rec {x}"), [Pick(versions, versions, a)])
                        : new UpdateModel(m, new Wei(x % 3_000_000_000_000_000_000), x % 4 == 1 ? ModelStatus.Retired : ModelStatus.Active, Hash32.Zero, Hash32.Zero, []);
                    break;
                }
                case 9:
                {
                    var models = All<Model>();
                    var m = Pick(models.Where(o => o.Status == ModelStatus.Active).Select(o => o.Id).ToList(), models.Select(o => o.Id).ToList(), b);
                    var price = M.Model(m)?.Price ?? Wei.Zero;
                    body = new RequestInference(m, MarketDriver.H($"in {x}"), x % 7 == 0 && price > Wei.Zero ? price - new Wei(1) : new Wei(price.Value + (UInt128)(x % 1000)));
                    break;
                }
                case 10:
                {
                    var all = All<InferenceRequest>();
                    sender = a % 8 == 0 ? sender : d.Serving;
                    body = new PostResult(Pick(all.Where(i => i.Status == InferenceStatus.Requested).Select(i => i.Id).ToList(), all.Select(i => i.Id).ToList(), b),
                        MarketDriver.H($"out {x}"));
                    break;
                }
                case 11:
                {
                    sender = a % 8 == 0 ? sender : d.Attribution;
                    var all = All<InferenceRequest>();
                    var i = Pick(all.Where(i => i.Status == InferenceStatus.Served).Select(i => i.Id).ToList(), all.Select(i => i.Id).ToList(), a);
                    // Usually contributions of the inference's training set; sometimes any approved one.
                    var approved = All<Contribution>().Where(c => c.Status == ContributionStatus.Approved).ToList();
                    var training = M.Inference(i) is { } inf ? TrainingSet(inf, approved) : [];
                    var n = 1 + (int)(x % 4);
                    var chosen = Enumerable.Range(0, n).Select(k => Pick(b % 6 == 0 ? [] : training, approved.Select(c => c.Id).ToList(), b + 7 * k)).Distinct().ToArray();
                    var weights = chosen.Select((_, k) => (x >> (8 * k)) % 4 == 0 ? 0UL : (x >> (8 * k + 2)) * (ulong)(k + 1)).ToArray();
                    if (weights.All(w => w == 0) && a % 5 != 0) weights[0] = 1;
                    body = new SettleAttribution(i, MarketDriver.H($"record {x}"), chosen, weights);
                    break;
                }
                default:
                    // A stake or escrow payer who has given most of its balance away.
                    body = new Transfer(Key(b).Address, d.Balance(sender) > Wei.FromOpen(1) ? d.Balance(sender) - Wei.FromOpen(1) : Wei.Zero);
                    break;
            }
            return d.Sign(sender, body);
        }

        private List<Hash32> TrainingSet(InferenceRequest i, List<Contribution> approved)
        {
            var version = M.Model(i.Model)!.Versions[(int)i.ModelVersion - 1];
            var counts = version.DatanetVersions.Select(v => M.Version(v)!).GroupBy(v => v.Datanet).ToDictionary(g => g.Key, g => g.Max(v => v.Count));
            return approved.Where(c => counts.TryGetValue(c.Datanet, out var n) && c.ApprovalIndex < n).Select(c => c.Id).ToList();
        }
    }
}
