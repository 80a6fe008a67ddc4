namespace OpenLedger.Core.Transactions;

/// <summary>The shape of a datanet's contributions, which decides how Model Factory trains on them.</summary>
public enum TaskKind : byte
{
    /// <summary>Plain text (language-model continuation).</summary>
    Text = 1,
    /// <summary>A prompt and its completion.</summary>
    PromptCompletion = 2,
    /// <summary>A text and its label (classification).</summary>
    TextLabel = 3,
}

/// <summary>Where the stake of a rejected contribution goes (an approved one returns to its contributor).</summary>
public enum ForfeitRule : byte
{
    /// <summary>To the datanet's owner, who pays for curation.</summary>
    Owner = 1,
    /// <summary>To the protocol treasury named in the genesis.</summary>
    Treasury = 2,
}

/// <summary>Where a contribution is in curation. Expired: not curated by its deadline, its stake returned. Excluded: approved,
/// then kept out of every version published after a curator excluded it (the versions before still hold it).</summary>
public enum ContributionStatus : byte { Pending = 0, Approved = 1, Rejected = 2, Expired = 3, Excluded = 4 }
