using OpenLedger.Core.Errors;
using OpenLedger.Core.Money;

namespace OpenLedger.Core.ModelFactory;

/// <summary>
/// What an account may spend of a node's training compute, checked when it starts a job with a signed request (the
/// operator's own jobs are the node's business and are bounded only by its global quota): the account holds at least
/// <see cref="MinimumBalance"/> (it is "funded": a fresh key with nothing at stake cannot queue work), has at most
/// <see cref="MaxActiveJobsPerOwner"/> jobs queued or running, and each job trains at most
/// <see cref="MaxExamplePassesPerJob"/> example passes (optimizer steps × batch size; with epochs, the steps are
/// estimated over every example of the version, an upper bound). Nothing is charged: the cap bounds the cost.
/// </summary>
public static class TrainingCostRule
{
    public static readonly Wei MinimumBalance = Wei.FromOpen(1);
    public const int MaxActiveJobsPerOwner = 2;
    public const long MaxExamplePassesPerJob = 64_000;

    /// <summary>Steps × batch size of a job: the requested steps, or epochs over <paramref name="examples"/>.</summary>
    public static long ExamplePasses(int? steps, double epochs, int batchSize, int examples)
    {
        var batch = Math.Max(1, batchSize);
        var total = steps ?? (long)Math.Ceiling(epochs * Math.Ceiling((double)examples / batch));
        return total * batch;
    }

    /// <summary>Null when an account with <paramref name="balance"/> and <paramref name="activeJobs"/> unfinished jobs
    /// may start one of <paramref name="examplePasses"/>; the refusal otherwise.</summary>
    public static (MlErrorCode Code, string Message)? Check(Wei balance, int activeJobs, long examplePasses)
    {
        if (balance < MinimumBalance)
            return (MlErrorCode.AccountNotFunded, $"the owner holds {balance.ToOpenString()} OPEN; starting a training job needs at least {MinimumBalance.ToOpenString()} OPEN");
        if (activeJobs >= MaxActiveJobsPerOwner)
            return (MlErrorCode.OwnerTrainingQuotaExceeded, $"the owner has {activeJobs} training jobs queued or running, the most one account may; cancel one or wait for one to end");
        if (examplePasses > MaxExamplePassesPerJob)
            return (MlErrorCode.TrainingBudgetExceeded, $"the job would train {examplePasses} example passes (steps × batch size); an account's job may train at most {MaxExamplePassesPerJob}");
        return null;
    }
}
