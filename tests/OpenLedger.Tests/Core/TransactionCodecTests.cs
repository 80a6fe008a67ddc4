using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.Core.Money;
using OpenLedger.Core.Transactions;
using OpenLedger.Tests.Support;

namespace OpenLedger.Tests.Core;

public class TransactionCodecTests
{
    private static readonly TestChain Chain = new(accounts: 3);
    private static readonly Address Bob = Chain.Keys[1].Address;

    private static byte[] Valid(ulong nonce = 0, ulong amount = 5) =>
        Chain.Transfer(Chain.Keys[0], Bob, new Wei(amount), nonce).Encode();

    private static ErrorCode Verify(byte[] raw) =>
        TransactionVerifier.Verify(raw, Chain.Rules.ChainId, Chain.Rules.MaxTransactionBytes, out _).Code;

    [Fact]
    public void A_signed_transfer_round_trips_and_verifies()
    {
        var signed = Chain.Transfer(Chain.Keys[0], Bob, Wei.FromOpen(3), 7);
        var raw = signed.Encode();
        Assert.Equal(TransactionCodec.HeaderLength + 20 + 32 + Signature.Length, raw.Length);
        Assert.Equal(ErrorCode.None, TransactionVerifier.Verify(raw, Chain.Rules.ChainId, 4096, out var v).Code);
        Assert.Equal(signed.Hash, v!.Hash);
        Assert.Equal(Chain.Keys[0].Address, v.Sender);
        var t = Assert.IsType<Transfer>(v.Tx.Body);
        Assert.Equal((Bob, Wei.FromOpen(3), 7UL), (t.To, t.Amount, v.Tx.Nonce));
    }

    [Fact]
    public void The_transfer_type_string_and_hash_are_stable()
    {
        // Changing either breaks every wallet and every stored hash: this test pins them.
        var tx = new Transaction(1717, Chain.Keys[0].Address, 0, new Wei(1), new Transfer(Bob, new Wei(2)));
        Assert.Equal("Transfer(address from,uint64 nonce,uint256 gasPrice,address to,uint256 amount)", tx.TypeString);
        Assert.Equal(tx.SigningHash(), new Transaction(1717, Chain.Keys[0].Address, 0, new Wei(1), new Transfer(Bob, new Wei(2))).SigningHash());
        Assert.NotEqual(tx.SigningHash(), (tx with { ChainId = 1718 }).SigningHash());
    }

    [Fact]
    public void Each_kind_of_bad_encoding_gets_its_own_code()
    {
        var raw = Valid();
        Assert.Equal(ErrorCode.MalformedTransaction, Verify(raw[..^1]));
        Assert.Equal(ErrorCode.MalformedTransaction, Verify([]));
        Assert.Equal(ErrorCode.TransactionTooLarge, Verify(new byte[20_000]));

        var badVersion = (byte[])raw.Clone(); badVersion[0] = 9;
        Assert.Equal(ErrorCode.UnsupportedEnvelopeVersion, Verify(badVersion));

        var unknownKind = (byte[])raw.Clone(); unknownKind[2] = 99;
        Assert.Equal(ErrorCode.UnknownKind, Verify(unknownKind));

        var badLength = (byte[])raw.Clone(); badLength[74] = 51;
        Assert.Equal(ErrorCode.MalformedTransaction, Verify(badLength));

        var hugeAmount = (byte[])raw.Clone(); hugeAmount[TransactionCodec.HeaderLength + 20] = 1; // above 2^128
        Assert.Equal(ErrorCode.AmountOverflow, Verify(hugeAmount));

        var hugeGasPrice = (byte[])raw.Clone(); hugeGasPrice[39] = 1;
        Assert.Equal(ErrorCode.AmountOverflow, Verify(hugeGasPrice));

        var wrongChain = Chain.Transfer(Chain.Keys[0], Bob, new Wei(1), 0, chainId: 99).Encode();
        Assert.Equal(ErrorCode.WrongChainId, Verify(wrongChain));

        var tamperedAmount = (byte[])raw.Clone(); tamperedAmount[TransactionCodec.HeaderLength + 51] ^= 1;
        Assert.Equal(ErrorCode.SignerMismatch, Verify(tamperedAmount));

        var badV = (byte[])raw.Clone(); badV[^1] = 35;
        Assert.Equal(ErrorCode.BadSignature, Verify(badV));

        var zeroSig = (byte[])raw.Clone(); Array.Clear(zeroSig, raw.Length - 65, 64);
        Assert.Equal(ErrorCode.BadSignature, Verify(zeroSig));
    }

    [Fact]
    public void Random_bytes_never_throw_and_never_verify() =>
        Gen.Byte.Array[0, 400].Sample(bytes =>
        {
            var code = Verify(bytes);
            return code != ErrorCode.None;
        }, iter: 5000);

    [Fact]
    public void Mutated_valid_transactions_never_throw_and_only_the_untouched_one_verifies() =>
        Gen.Int[0, 189].Select(Gen.Byte[1, 255], Gen.Int[0, 3]).Sample((pos, xor, mode) =>
        {
            var raw = Valid(nonce: 3, amount: 1234);
            byte[] mutated = mode switch
            {
                0 => Flip(raw, pos, xor),
                1 => raw[..Math.Min(pos, raw.Length)],
                2 => [.. raw, .. new byte[pos % 40 + 1]],
                _ => Flip(Flip(raw, pos, xor), (pos * 7) % raw.Length, xor),
            };
            var code = Verify(mutated);
            // A byte flip that lands on a field either breaks decoding or changes the signer/chain: never accepted.
            return code != ErrorCode.None || mutated.AsSpan().SequenceEqual(raw);
        }, iter: 5000);

    private static byte[] Flip(byte[] raw, int pos, byte xor)
    {
        var c = (byte[])raw.Clone();
        c[pos % c.Length] ^= xor;
        return c;
    }
}
