using OpenLedger.Core.Crypto;
using OpenLedger.Core.Market;
using OpenLedger.Core.Transactions;

namespace OpenLedger.Client;

// What a curator reads before deciding: a datanet's contributions of one status with their near-duplicates, and
// (for a reviewer) their text.
public sealed partial class LedgerClient
{
    // A page's cost is its size times each item's: about 15 fields, nearDuplicates (a list the cost analyzer bounds at
    // 100) and, for a review, the text (1,024). These sizes keep a page under the node's default complexity of 20,000.
    private const int CurationPage = 50, ReviewPage = 10;

    /// <summary>A datanet's newest <paramref name="limit"/> contributions in <paramref name="status"/> (only
    /// <paramref name="contributor"/>'s when given), newest first, each with its near-duplicates and, with
    /// <paramref name="withText"/>, its text.</summary>
    public async Task<IReadOnlyList<ContributionReview>> GetContributionReviewsAsync(Hash32 datanet, ContributionStatus status, Address? contributor,
        int limit, bool withText, CancellationToken ct = default) =>
        await CollectAsync($"query($d: Hash!, $s: ContributionStatus, $c: Address, $n: Int, $after: String) {{ datanet(id: $d) {{ " +
                           $"contributions(status: $s, contributor: $c, first: $n, after: $after) {{ nodes {{ {ContributionFields} {(withText ? "text" : "")} " +
                           $"nearDuplicates {{ contributionId similarity }} }} {PageInfo} }} }} }}",
            (after, n) => new { d = datanet.ToString(), s = StatusName(status), c = contributor?.ToString(), n, after },
            d => d.Opt("datanet")?.Req("contributions"),
            c => new ContributionReview(ReadContribution(c), withText ? c.OptStr("text") : null,
                c.Array("nearDuplicates", n => new NearDuplicate(n.Hash("contributionId"), n.Double("similarity")))),
            limit, ct, withText ? ReviewPage : CurationPage);

    /// <summary>A contribution and its text (null when the node does not store it or it is not UTF-8).</summary>
    public async Task<(Contribution Contribution, string? Text)?> GetContributionTextAsync(Hash32 id, CancellationToken ct = default) =>
        (await QueryAsync($"query($id: Hash!) {{ contribution(id: $id) {{ {ContributionFields} text }} }}", new { id = id.ToString() }, ct)).Opt("contribution") is { } c
            ? (ReadContribution(c), c.OptStr("text")) : null;

    /// <summary>GraphQL's CONSTANT_CASE name of a status (Pending is PENDING).</summary>
    private static string StatusName(ContributionStatus status) => status.ToString().ToUpperInvariant();
}
