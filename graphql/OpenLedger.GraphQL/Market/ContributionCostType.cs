using GraphQL.Types;
using OpenLedger.Core.Market;
using OpenLedger.Core.Money;
using OpenLedger.GraphQL.Scalars;

namespace OpenLedger.GraphQL.Market;

/// <summary>What a contribution of some size to a datanet takes from the contributor, by the core's own rule
/// (<see cref="Datanet.TryCost"/>): what a client shows before anyone signs.</summary>
public sealed record ContributionCost(long Size, Wei Fee, Wei Stake, Wei Total)
{
    /// <summary>The cost of <paramref name="size"/> bytes; BAD_ARGUMENTS for a size below 1, the ledger's
    /// AmountOverflow where the Contribute transaction would fail with it.</summary>
    public static ContributionCost Of(Datanet d, long size)
    {
        if (size < 1) throw new InvalidInputError("BAD_ARGUMENTS", $"size is {size}; content is at least 1 byte");
        if (!d.TryCost((ulong)size, out var fee, out var total))
            throw new InvalidInputError(nameof(Core.Errors.ErrorCode.AmountOverflow), $"the fee for {size} bytes overflows");
        return new ContributionCost(size, fee, d.Stake, total);
    }
}

public sealed class ContributionCostType : ObjectGraphType<ContributionCost>
{
    public ContributionCostType()
    {
        Name = "ContributionCost";
        Description = "What contributing content of a size takes from the contributor (besides gas): the fee, paid to the owner, and the stake, " +
                      "held until curation (returned on approval or at the deadline, forfeited on rejection).";
        Field<NonNullGraphType<LongGraphType>>("size").Description("Bytes.").Resolve(c => c.Source.Size);
        Field<NonNullGraphType<WeiAmountGraphType>>("fee").Description("ceil(size / 1024) x feePerKb.").Resolve(c => c.Source.Fee);
        Field<NonNullGraphType<WeiAmountGraphType>>("stake").Resolve(c => c.Source.Stake);
        Field<NonNullGraphType<WeiAmountGraphType>>("total").Description("fee + stake: what the balance must hold besides gas.").Resolve(c => c.Source.Total);
        Field<NonNullGraphType<StringGraphType>>("totalOpen").Resolve(c => c.Source.Total.ToOpenString());
    }
}
