using CsCheck;
using OpenLedger.Core.Crypto;
using OpenLedger.GraphQL.Search;

namespace OpenLedger.Tests.Clients;

/// <summary>The search box's parser (what `search(text)` accepts) on generated input: arbitrary text never throws and
/// names at most one thing or gives a reason; every height, hash and address in every accepted spelling parses back to
/// itself; an address with a broken mixed-case checksum is refused rather than read as another address.</summary>
public class SearchTextPropertyTests
{
    private static readonly Gen<string> AnyText = Gen.OneOf(
        Gen.String,
        Gen.Char["0123456789abcdefABCDEFxX# \t"].Array[0, 110].Select(c => new string(c)),
        Gen.Char.Array[0, 130].Select(c => new string(c)));

    [Fact]
    public void Arbitrary_text_never_throws_and_names_one_thing_or_gives_a_reason()
    {
        AnyText.Sample(text =>
        {
            if (SearchText.TryParse(text, out var parsed, out var why))
            {
                Assert.Equal(1, (parsed.Height is null ? 0 : 1) + (parsed.Hash is null ? 0 : 1) + (parsed.Address is null ? 0 : 1));
                Assert.True(text.Trim().Length <= SearchText.MaxLength);
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(why));
                Assert.Equal(default, parsed);
            }
        }, iter: 20_000);
    }

    [Fact]
    public void Heights_parse_back_with_or_without_the_hash_sign()
    {
        Gen.Long[0, 999_999_999_999_999_999L].Select(Gen.Bool).Sample((height, sign) =>
        {
            Assert.True(SearchText.TryParse((sign ? "#" : "") + height, out var parsed, out _));
            Assert.Equal(height, parsed.Height);
        });
    }

    [Fact]
    public void Hashes_parse_back_in_any_case_with_or_without_0x()
    {
        Gen.Byte.Array[32].Select(Gen.Int[0, 3]).Sample((bytes, spelling) =>
        {
            var hash = new Hash32(bytes);
            var hex = Convert.ToHexStringLower(bytes);
            var text = spelling switch { 0 => "0x" + hex, 1 => hex, 2 => "0X" + hex.ToUpperInvariant(), _ => "  0x" + hex + " " };
            Assert.True(SearchText.TryParse(text, out var parsed, out _));
            Assert.Equal(hash, parsed.Hash);
        });
    }

    [Fact]
    public void Addresses_parse_back_checksummed_lower_or_upper_and_a_broken_checksum_is_refused()
    {
        Gen.Byte.Array[20].Sample(bytes =>
        {
            var address = new Address(bytes);
            var checksummed = address.ToString();
            foreach (var text in new[] { checksummed, checksummed.ToLowerInvariant(), "0x" + checksummed[2..].ToUpperInvariant(), checksummed[2..] })
            {
                Assert.True(SearchText.TryParse(text, out var parsed, out _), text);
                Assert.Equal(address, parsed.Address);
            }
            // Flip the case of one letter: if the result is still mixed case, it is a typo, not another address.
            var letter = checksummed.IndexOfAny("abcdefABCDEF".ToCharArray(), 2);
            if (letter < 0) return;
            var flipped = checksummed[..letter] + (char.IsUpper(checksummed[letter]) ? char.ToLowerInvariant(checksummed[letter]) : char.ToUpperInvariant(checksummed[letter])) + checksummed[(letter + 1)..];
            var body = flipped[2..];
            if (body == body.ToLowerInvariant() || body == body.ToUpperInvariant()) return;
            Assert.False(SearchText.TryParse(flipped, out _, out var why));
            Assert.Contains("EIP-55", why);
        });
    }
}
