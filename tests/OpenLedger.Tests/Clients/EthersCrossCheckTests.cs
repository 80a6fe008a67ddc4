using System.Text.Json.Nodes;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Encoding;
using OpenLedger.Core.Merkle;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Grains.Ledger;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Clients;

/// <summary>
/// The ledger against a real, independent Ethereum client: ethers v6 run by Node.js (tests/js). ethers signs the
/// exact payload <see cref="TypedDataDocument"/> hands to wallets, computes the EIP-712 digest, derives addresses,
/// and re-checks the ledger's Merkle proofs with its own keccak256. Uses keys 30..39 of the shared cluster's chain
/// (and fresh keys funded from them), so the balance deltas checked here are not disturbed by other tests.
/// </summary>
[Collection("ledger-cluster")]
public sealed class EthersCrossCheckTests(LedgerClusterFixture fx)
{
    private const string SignScript = "sign-typed-data.mjs";
    private const string MerkleScript = "verify-merkle-proof.mjs";

    private sealed record EthersSignature(Signature Signature, Hash32 Hash, string Address, string? From);

    [Fact]
    public async Task Ethers_signed_transfers_from_the_typed_data_document_are_accepted_and_committed()
    {
        var chain = fx.Chain;
        var sender = PrivateKey.Generate();
        var funding = Wei.FromOpen(50);
        await FundAsync(chain.Keys[30], sender.Address, funding);
        Assert.Equal(funding, await fx.BalanceAsync(sender.Address));

        var r1 = PrivateKey.Generate().Address;
        var r2 = PrivateKey.Generate().Address;
        // amounts beyond 2^53 and 2^64 so that no JavaScript number (or ulong) could carry them
        var big = Wei.Parse("20000000000000000123");                    // > 2^64 wei
        var odd = Wei.Parse("123456789012345678");                      // > 2^53 wei
        Assert.True(Wei.TryMultiply(chain.GasPrice, 2, out var highGasPrice));   // a gas price above the floor
        var txs = new[]
        {
            new Transaction(chain.Rules.ChainId, sender.Address, 0, chain.GasPrice, new Transfer(r1, big)),
            new Transaction(chain.Rules.ChainId, sender.Address, 1, highGasPrice, new Transfer(r2, odd)),
            new Transaction(chain.Rules.ChainId, sender.Address, 2, chain.GasPrice, new Transfer(r1, new Wei(1u))),
        };

        var signed = await SignWithEthersAsync(txs.Select(t => (sender, t)).ToList());

        var raws = new List<byte[]>();
        for (int i = 0; i < txs.Length; i++)
        {
            // the digest: ours == ethers' TypedDataEncoder.hash
            Assert.Equal(txs[i].SigningHash(), signed[i].Hash);
            Assert.Equal(sender.Address.ToString(), signed[i].Address);
            // both sides sign deterministically (RFC 6979, low s), so the signatures are the same bytes
            Assert.Equal(Hex.Encode(txs[i].Sign(sender).Signature.ToArray()), Hex.Encode(signed[i].Signature.ToArray()));
            var envelope = new SignedTransaction(txs[i], signed[i].Signature);
            Assert.Equal(signed[i].Hash, envelope.Hash);
            raws.Add(envelope.Encode());
        }

        var results = await fx.Intake.SubmitAsync(raws);
        for (int i = 0; i < txs.Length; i++)
        {
            Assert.True(results[i].Accepted, $"tx {i} rejected: {results[i].ErrorCode} {results[i].Message}");
            Assert.Equal(signed[i].Hash, results[i].Hash);
        }

        var expectedSpent = Wei.Zero;
        for (int i = 0; i < txs.Length; i++)
        {
            var view = await fx.WaitAsync(signed[i].Hash);
            Assert.Equal(TxStatus.Committed, view.Status);
            Assert.True(view.Succeeded, $"tx {i} failed in its block: {view.ErrorCode}");
            Assert.Equal(signed[i].Hash, view.Hash);
            Assert.Equal(sender.Address, view.From);
            Assert.Equal(((Transfer)txs[i].Body).To, view.To);
            Assert.Equal(((Transfer)txs[i].Body).Amount, view.Amount);
            Assert.Equal((ulong)i, view.Nonce);
            Assert.True(Wei.TryMultiply(txs[i].GasPrice, chain.Rules.GasOf(TxKind.Transfer), out var fee));
            Assert.Equal(fee, view.Fee);
            expectedSpent += ((Transfer)txs[i].Body).Amount + fee;
        }

        Assert.Equal(funding - expectedSpent, await fx.BalanceAsync(sender.Address));
        Assert.Equal(big + new Wei(1u), await fx.BalanceAsync(r1));
        Assert.Equal(odd, await fx.BalanceAsync(r2));
        Assert.Equal(3UL, (await fx.AccountAsync(sender.Address)).NextNonce);
    }

    [Fact]
    public async Task Merkle_inclusion_proofs_of_committed_transactions_verify_with_ethers_keccak256()
    {
        var chain = fx.Chain;
        var sender = PrivateKey.Generate();
        await FundAsync(chain.Keys[31], sender.Address, Wei.FromOpen(1));

        // five transactions in one submission: they enter the mempool together and land in one block,
        // which gives an odd last leaf (promoted unchanged) and proofs with siblings on both sides
        var txs = Enumerable.Range(0, 5)
            .Select(i => new Transaction(chain.Rules.ChainId, sender.Address, (ulong)i, chain.GasPrice,
                new Transfer(PrivateKey.Generate().Address, new Wei((uint)(1000 + i)))))
            .ToList();
        var signed = await SignWithEthersAsync(txs.Select(t => (sender, t)).ToList());
        var results = await fx.Intake.SubmitAsync(txs.Select((t, i) => new SignedTransaction(t, signed[i].Signature).Encode()).ToList());
        Assert.All(results, r => Assert.True(r.Accepted, $"{r.ErrorCode} {r.Message}"));

        var proofs = new List<(Hash32 Root, MerkleProof Proof)>();
        foreach (var s in signed)
        {
            var view = await fx.WaitAsync(s.Hash);
            Assert.Equal(TxStatus.Committed, view.Status);
            var block = await fx.Client.GetGrain<IBlockGrain>(view.BlockHeight!.Value).GetAsync();
            Assert.NotNull(block);
            var hashes = block.TransactionHashes;
            var index = hashes.ToList().IndexOf(s.Hash);
            Assert.True(index >= 0, $"tx {s.Hash} is not listed in block {block.Height}");
            Assert.Equal(view.Index, index);
            var proof = MerkleTree.Prove(hashes, index);
            Assert.True(proof.Verify(block.TxRoot), "the C# proof does not verify against the block's TxRoot");
            proofs.Add((block.TxRoot, proof));
        }

        var js = await VerifyInJsAsync(proofs.Select(p => ProofJson(p.Proof.Item, p.Root, p.Proof.Steps)));
        for (int i = 0; i < proofs.Count; i++)
        {
            Assert.True(js[i].Ok, $"ethers does not verify the proof of tx {i} (index {proofs[i].Proof.Index} of {proofs[i].Proof.Count})");
            Assert.Equal(proofs[i].Root, js[i].ComputedRoot);
        }

        // tampered proofs must fail: take a proof with at least one sibling
        var (root, target) = proofs.OrderByDescending(p => p.Proof.Steps.Count).First();
        Assert.True(target.Steps.Count > 0, $"expected a block with several transactions, got {target.Count}");
        var steps = target.Steps.ToList();
        var flippedSibling = steps.ToList();
        flippedSibling[0] = flippedSibling[0] with { Sibling = FlipLastBit(flippedSibling[0].Sibling) };
        var swappedSide = steps.ToList();
        swappedSide[0] = swappedSide[0] with { SiblingOnLeft = !swappedSide[0].SiblingOnLeft };
        var tampered = new[]
        {
            ProofJson(FlipLastBit(target.Item), root, steps),       // another item
            ProofJson(target.Item, root, flippedSibling),           // a wrong sibling
            ProofJson(target.Item, root, swappedSide),              // a sibling on the wrong side
            ProofJson(target.Item, root, steps.Skip(1).ToList()),   // a step left out
            ProofJson(target.Item, FlipLastBit(root), steps),       // the right proof against another root
        };
        var rejected = await VerifyInJsAsync(tampered);
        Assert.All(rejected, r => Assert.False(r.Ok, "a tampered proof verified"));
        Assert.Equal(root, rejected[4].ComputedRoot);
    }

    [Fact]
    public async Task Ethers_derives_our_addresses_and_a_signature_for_another_chain_is_rejected()
    {
        var chain = fx.Chain;
        var chainId = chain.Rules.ChainId;

        // EIP-55: the address ethers derives from each private key, and ethers.getAddress of our text, equal ours
        var keys = Enumerable.Range(30, 10).Select(i => chain.Keys[i]).Append(PrivateKey.Generate()).ToList();
        var probes = keys.Select(k => (k, new Transaction(chainId, k.Address, 0, chain.GasPrice, new Transfer(k.Address, Wei.Zero)))).ToList();
        var derived = await SignWithEthersAsync(probes);
        for (int i = 0; i < keys.Count; i++)
        {
            var ours = keys[i].Address.ToString();
            Assert.Equal(ours, derived[i].Address);
            Assert.Equal(ours, derived[i].From);
            Assert.Equal(keys[i].Address, Address.Parse(derived[i].Address));
        }

        // ethers signs for chain X+1
        var key = chain.Keys[32];
        var nonce = (await fx.AccountAsync(key.Address)).NextNonce;
        var to = PrivateKey.Generate().Address;
        var forThisChain = new Transaction(chainId, key.Address, nonce, chain.GasPrice, new Transfer(to, new Wei(7u)));
        var forOtherChain = forThisChain with { ChainId = chainId + 1 };
        var other = (await SignWithEthersAsync([(key, forOtherChain)]))[0];
        Assert.Equal(forOtherChain.SigningHash(), other.Hash);
        Assert.NotEqual(forThisChain.SigningHash(), other.Hash);

        // ... sent in an envelope claiming chain X: the digest of chain X recovers someone else
        var claimsThisChain = await fx.SubmitAsync(new SignedTransaction(forThisChain, other.Signature).Encode());
        Assert.False(claimsThisChain.Accepted);
        Assert.Equal("SignerMismatch", claimsThisChain.ErrorCode);

        // ... sent as it was signed, claiming chain X+1: refused before any signature work
        var claimsOtherChain = await fx.SubmitAsync(new SignedTransaction(forOtherChain, other.Signature).Encode());
        Assert.False(claimsOtherChain.Accepted);
        Assert.Equal("WrongChainId", claimsOtherChain.ErrorCode);

        // control: the same intent signed by ethers for this chain is accepted and commits, at the same nonce
        var good = (await SignWithEthersAsync([(key, forThisChain)]))[0];
        var accepted = await fx.SubmitAsync(new SignedTransaction(forThisChain, good.Signature).Encode());
        Assert.True(accepted.Accepted, $"{accepted.ErrorCode} {accepted.Message}");
        var view = await fx.WaitAsync(good.Hash);
        Assert.Equal(TxStatus.Committed, view.Status);
        Assert.True(view.Succeeded);
        Assert.Equal(new Wei(7u), await fx.BalanceAsync(to));
    }

    private async Task FundAsync(PrivateKey from, Address to, Wei amount)
    {
        var nonce = (await fx.AccountAsync(from.Address)).NextNonce;
        var tx = fx.Chain.Transfer(from, to, amount, nonce);
        var result = await fx.SubmitAsync(tx.Encode());
        Assert.True(result.Accepted, $"funding rejected: {result.ErrorCode} {result.Message}");
        var view = await fx.WaitAsync(tx.Hash);
        Assert.Equal(TxStatus.Committed, view.Status);
        Assert.True(view.Succeeded, $"funding failed: {view.ErrorCode}");
    }

    private static async Task<IReadOnlyList<EthersSignature>> SignWithEthersAsync(IReadOnlyList<(PrivateKey Key, Transaction Tx)> requests)
    {
        var input = new JsonArray(requests
            .Select(r => (JsonNode)new JsonObject { ["privateKey"] = r.Key.ToHex(), ["typedData"] = TypedDataDocument.For(r.Tx) })
            .ToArray());
        var output = (await NodeJs.RunAsync(SignScript, input)).AsArray();
        Assert.Equal(requests.Count, output.Count);
        return output.Select(o =>
        {
            var bytes = Hex.Decode((string)o!["signature"]!);
            Assert.Equal(Signature.Length, bytes.Length);
            return new EthersSignature(Signature.Read(bytes), Hash32.Parse((string)o["hash"]!), (string)o["address"]!, (string?)o["from"]);
        }).ToList();
    }

    private static JsonObject ProofJson(Hash32 item, Hash32 root, IEnumerable<MerkleStep> steps) => new()
    {
        ["item"] = item.ToString(),
        ["root"] = root.ToString(),
        ["steps"] = new JsonArray(steps
            .Select(s => (JsonNode)new JsonObject { ["sibling"] = s.Sibling.ToString(), ["siblingOnLeft"] = s.SiblingOnLeft })
            .ToArray()),
    };

    private static async Task<IReadOnlyList<(bool Ok, Hash32 ComputedRoot)>> VerifyInJsAsync(IEnumerable<JsonObject> proofs)
    {
        var input = new JsonArray(proofs.Select(p => (JsonNode)p).ToArray());
        var output = (await NodeJs.RunAsync(MerkleScript, input)).AsArray();
        Assert.Equal(input.Count, output.Count);
        return output.Select(o => ((bool)o!["ok"]!, Hash32.Parse((string)o["computedRoot"]!))).ToList();
    }

    private static Hash32 FlipLastBit(Hash32 h)
    {
        var b = h.ToArray();
        b[^1] ^= 1;
        return new Hash32(b);
    }
}
