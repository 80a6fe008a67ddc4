using System.Numerics;
using CsCheck;
using OpenLedger.Core.Books;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.Tests.Market;

namespace OpenLedger.Tests.Books;

/// <summary>The books balance: over random marketplace histories run through the pure core, every account's statement
/// explains its balance block by block, every posting appears once as someone's outflow (or the marketplace's) and
/// once as someone's inflow (or the marketplace's), the marketplace's side adds up to what it holds, and the supply
/// is the genesis allocations.</summary>
public class StatementPropertyTests
{
    [Fact]
    public void Every_wei_that_moved_appears_once_out_and_once_in_and_statements_explain_every_balance()
    {
        var kinds = new System.Collections.Concurrent.ConcurrentDictionary<BookKind, int>();
        Gen.Select(MarketMoneyPropertyTests.GOp.Array[1, 60], Gen.Bool, Gen.Int[1, 6], Gen.ULong).Sample((ops, owner, timeout, setup) =>
        {
            var d = new MarketDriver(accounts: 6, market: m =>
            {
                m.InferenceTimeoutBlocks = timeout;
                m.TimeoutResolution = owner ? "owner" : "refund";
                m.MaxContributionBytes = 5_000;
                m.MaxAttributions = 4;
                m.CurationTimeoutBlocks = 6;
            });
            var h = new MarketMoneyPropertyTests.History(d);
            h.Bootstrap(setup);
            var pending = new List<OpenLedger.Core.Transactions.SignedTransaction>();
            foreach (var op in ops)
            {
                if (op.Kind == 0) { h.Execute(pending); pending.Clear(); }
                else pending.Add(h.Next(op));
            }
            h.Execute(pending);
            for (int k = 0; k <= Math.Max(timeout, 6); k++) h.Execute([]); // every escrow and stake resolves

            var genesis = Postings.OfGenesis(d.Rules).ToList();
            var blocks = d.Executed.Select(b => Postings.Of(BookBlock.Of(b), d.Rules.Market, d.Market.Datanet)).ToList();
            var all = genesis.Concat(blocks.SelectMany(p => p)).ToList();
            foreach (var p in all) kinds.AddOrUpdate(p.Kind, 1, (_, n) => n + 1);

            // Block by block, each account's balance before the block plus its statement of the block is its balance after.
            var balances = genesis.ToDictionary(p => p.To!.Value, p => p.Amount);
            for (int i = 0; i < d.Executed.Count; i++)
            {
                var changed = d.Executed[i].ChangedAccounts.ToDictionary(c => c.Address, c => c.State.Balance);
                var touched = blocks[i].SelectMany(p => new[] { p.From, p.To }).OfType<Address>().Distinct();
                foreach (var a in touched.Union(changed.Keys))
                {
                    var s = Statement.OfAccount(a, blocks[i]);
                    var before = balances.GetValueOrDefault(a, Wei.Zero);
                    var after = (BigInteger)before.Value + s.Net;
                    Assert.True(changed.TryGetValue(a, out var committed) ? committed.Value == after : after == before.Value,
                        $"block {d.Executed[i].Header.Height}, account {a}: {before} + {s.Net} is not the committed balance");
                    balances[a] = new Wei((UInt128)after);
                }
            }
            foreach (var (_, a, st) in d.State.Accounts()) Assert.Equal(st.Balance, balances.GetValueOrDefault(a, Wei.Zero));

            // Each posting is one outflow line (of its payer; none when the marketplace or the genesis pays) and one
            // inflow line (of its payee; none when the marketplace receives), in the statements of all accounts.
            var accounts = all.SelectMany(p => new[] { p.From, p.To, p.Party }).OfType<Address>().Distinct().ToList();
            var outs = new Dictionary<Posting, int>(ReferenceEqualityComparer.Instance);
            var ins = new Dictionary<Posting, int>(ReferenceEqualityComparer.Instance);
            foreach (var a in accounts)
                foreach (var line in Statement.OfAccount(a, all).Lines)
                {
                    if (line.Flow == Flow.Out) outs[line.Posting] = outs.GetValueOrDefault(line.Posting) + 1;
                    if (line.Flow == Flow.In) ins[line.Posting] = ins.GetValueOrDefault(line.Posting) + 1;
                    if (line.Flow == Flow.Memo) Assert.Equal((BookKind.StakeForfeited, a), (line.Posting.Kind, line.Posting.Party!.Value));
                }
            foreach (var p in all)
            {
                Assert.True(p.Amount > Wei.Zero);
                Assert.Equal(p.From is null ? 0 : 1, outs.GetValueOrDefault(p));
                Assert.Equal(p.To is null ? 0 : 1, ins.GetValueOrDefault(p));
                Assert.False(p.From is null && p.To is null);
            }

            // The marketplace's side: what it received less what it paid is what it holds; the supply is the genesis'.
            BigInteger held = 0;
            foreach (var p in all.Where(p => p.Kind != BookKind.Genesis))
            {
                if (p.To is null) held += p.Amount.Value;
                if (p.From is null) held -= p.Amount.Value;
            }
            Assert.Equal((BigInteger)d.Market.Held.Value, held);
            Assert.Equal(d.Rules.TotalSupply.Value, genesis.Aggregate(Wei.Zero, (s, p) => s + p.Amount).Value);
            Assert.Equal(d.State.TotalSupply(), balances.Values.Aggregate(d.Market.Held, (s, b) => s + b).Value);

            // Every contribution posting is in exactly its datanet's statement; every escrow posting in its model's.
            var datanets = d.Market.Objects().OfType<Datanet>().Select(x => x.Id).ToList();
            var models = d.Market.Objects().OfType<Model>().Select(x => x.Id).ToList();
            var inDatanets = datanets.SelectMany(x => Statement.OfDatanet(x, all).Lines).Select(l => l.Posting).ToList();
            Assert.Equal(inDatanets.Count, inDatanets.Distinct(ReferenceEqualityComparer.Instance).Count());
            Assert.Equal(all.Count(p => p.Datanet is not null), inDatanets.Count);
            Assert.All(all.Where(p => p.Kind is >= BookKind.ContributionFee and <= BookKind.StakeRefunded), p => Assert.NotNull(p.Datanet));
            var inModels = models.SelectMany(x => Statement.OfModel(x, all).Lines).Select(l => l.Posting).ToList();
            Assert.Equal(all.Count(p => p.Kind >= BookKind.EscrowLocked), inModels.Count);
            foreach (var m in models)
            {
                // A model's escrows, once all resolved, are exactly what its expiries and settlements paid out.
                var s = Statement.OfModel(m, all);
                Wei Sum(Func<StatementTotal, bool> f) => s.Totals.Where(f).Aggregate(Wei.Zero, (x, t) => x + t.Amount);
                Assert.Equal(Sum(t => t.Kind == BookKind.EscrowLocked), Sum(t => t.Kind != BookKind.EscrowLocked));
            }
        }, iter: 25);

        var seen = string.Join(", ", kinds.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key}={kv.Value}"));
        foreach (var kind in Enum.GetValues<BookKind>()) Assert.True(kinds.ContainsKey(kind), $"no {kind} posting in any history: {seen}");
    }
}
