namespace CallCampaigns.Ledger.Queue;

public sealed class QueueItemRow
{
    public long Id { get; init; }
    public long CampaignId { get; init; }
    public required string UserId { get; init; }
    public long? ContactId { get; init; }
    public required string PhoneNumber { get; init; }
    public string? ContactName { get; init; }
    public required string Status { get; init; }
    public int Priority { get; init; }
    public long Position { get; init; }
    public long? ScheduledFor { get; init; }
    public int Attempts { get; init; }
    public string? ExecutionId { get; init; }
    public string? Outcome { get; init; }
    public string? FailureReason { get; init; }
    public bool Connected { get; init; }
    public long? StartedAt { get; init; }
    public long? EndedAt { get; init; }
    public double? DurationSeconds { get; init; }
    public double? CostCents { get; init; }
    public string? Transcript { get; init; }
    public string? Summary { get; init; }
    public string? RecordingUrl { get; init; }
    public string? HangupReason { get; init; }
    /// <summary>When the dial's answer was lost (the item is dialing, its call may be live).</summary>
    public long? DialUnknownAt { get; init; }
    /// <summary>When the call's slot lease is next looked at: for a lost dial answer, the next search for its call.</summary>
    public long? DialCheckAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>An item's state as a dial about to be sent sees it.</summary>
public sealed class DialCheck
{
    public required string Status { get; init; }
    public int Attempts { get; init; }
    public long? ContactId { get; init; }
    public bool LeaseHeld { get; init; }

    /// <summary>Set when the dial's answer was given up for lost: a search of Bolna's executions decides now, not the dial.</summary>
    public long? DialUnknownAt { get; init; }
}

/// <summary>An item just claimed for a dial, with what the dial request needs to know about the person.</summary>
public sealed class ClaimedItem
{
    public long Id { get; init; }
    public int Attempts { get; init; }
    public required string PhoneNumber { get; init; }
    public string? ContactName { get; init; }
    public string? Email { get; init; }
    public string? Company { get; init; }
    public string? CustomFields { get; init; }
    public long? LastConversationAt { get; init; }
    public string? LastTranscriptSummary { get; init; }
}

/// <summary>The outcome of claiming an item: the item, or why there is none.</summary>
public sealed record ClaimResult(ClaimedItem? Item, bool IsLeaseGone, bool IsOnDoNotCallList = false, long? CappedUntil = null)
{
    /// <summary>The frequency cap holds the item's number until then (epoch ms): the item waits, the lease is still free.</summary>
    public static ClaimResult Capped(long until) => new(null, false, false, until);

    public static ClaimResult ItemNotQueued { get; } = new(null, false);

    /// <summary>The item's number is on a do-not-call list: the item ended, the lease is still free.</summary>
    public static ClaimResult OnDoNotCallList { get; } = new(null, false, true);

    public static ClaimResult LeaseGone { get; } = new(null, true);
}

/// <summary>One attempt as the ledger knows it, beside its item's current state.</summary>
public sealed record AttemptRow
{
    public required string ExecutionId { get; init; }
    public long ItemId { get; init; }
    public long CampaignId { get; init; }
    public int Attempt { get; init; }
    public required string Status { get; init; }
    public int StatusRank { get; init; }
    public long? ProviderUpdatedAt { get; init; }
    public bool SawInProgress { get; init; }
    public long? LineEndedAt { get; init; }
    public required string ItemStatus { get; init; }
    public int ItemAttempts { get; init; }
    public long? ContactId { get; init; }
}

/// <summary>Everything one report changes, written in one transaction.</summary>
public sealed record ProgressWrite
{
    public required string ExecutionId { get; init; }
    public required long ItemId { get; init; }
    public required long CampaignId { get; init; }
    public required int Attempt { get; init; }
    public required string Status { get; init; }
    public required int Rank { get; init; }
    public long? ProviderUpdatedAt { get; init; }
    public bool SawInProgress { get; init; }
    public bool LineEndsNow { get; init; }
    public bool Connected { get; init; }
    /// <summary>The item's status before and after; no move when <see cref="ItemTo"/> is null.</summary>
    public required string ItemFrom { get; init; }
    public string? ItemTo { get; init; }
    public long? RetryNotBefore { get; init; }
    public string? FailureReason { get; init; }
    /// <summary>The call's final data, written to the item when this is its current attempt.</summary>
    public bool IsCurrentAttempt { get; init; }
    public double? DurationSeconds { get; init; }
    public double? CostCents { get; init; }
    public string? Transcript { get; init; }
    public string? Summary { get; init; }
    public string? RecordingUrl { get; init; }
    public string? HangupReason { get; init; }
    public string? ExtractedData { get; init; }
    /// <summary>Bolna will send nothing more: the final data has come, so it is not looked for any more.</summary>
    public bool FinalNow { get; init; }
    /// <summary>When the line ends without the final data: when to look the call up if that data has not come.</summary>
    public long? FinalCheckAt { get; init; }
    /// <summary>The attempt is not counted (no call was placed): the item goes back with one attempt less.</summary>
    public bool UncountAttempt { get; init; }
    /// <summary>Pauses the running campaign with this reason (a fault of the account, not of the contact).</summary>
    public string? PauseReason { get; init; }
    /// <summary>The call's history, counted not connected by an earlier final guess, is corrected to connected.</summary>
    public bool CorrectContactHistory { get; init; }
    /// <summary>Set on the attempt's first final report: the contact's history counts this call once.</summary>
    public bool UpdateContactHistory { get; init; }
    public long? ContactId { get; init; }
    /// <summary>The contact said in the call not to be called again: the number goes on the user's list (this reason).</summary>
    public string? OptOutReason { get; init; }
    public required long Now { get; init; }
}
