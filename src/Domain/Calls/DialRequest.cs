namespace CallCampaigns.Domain.Calls;

/// <summary>One dial: call <see cref="PhoneNumber"/> with <see cref="AgentId"/> for attempt <see cref="Attempt"/> of a queue item.</summary>
[GenerateSerializer, Immutable, Alias("DialRequest")]
public sealed record DialRequest(
    [property: Id(0)] long CampaignId,
    [property: Id(1)] long ItemId,
    [property: Id(2)] int Attempt,
    [property: Id(3)] string AgentId,
    [property: Id(4)] string PhoneNumber,
    [property: Id(5)] string? FromPhoneNumber,
    [property: Id(6)] IReadOnlyDictionary<string, string> UserData);

/// <summary>How a dial request ended.</summary>
public enum DialOutcome
{
    /// <summary>Bolna queued the call; <see cref="DialResult.ExecutionId"/> names it.</summary>
    Accepted,

    /// <summary>The contact's number was refused (400/422): this item fails, the campaign goes on.</summary>
    Rejected,

    /// <summary>
    /// Refused for the campaign or the account, not the contact (a wrong API key, an agent Bolna does not know, a caller
    /// id the account cannot use, Bolna failing as a whole): no dial of this campaign can succeed until it is fixed.
    /// </summary>
    CampaignRefused,

    /// <summary>Too many requests (429): try again later, no call was placed.</summary>
    RateLimited,

    /// <summary>A 5xx or a timeout: the call may or may not have been placed.</summary>
    Unknown,

    /// <summary>Not sent: just before sending, the item was no longer to be dialled (paused, cancelled, window closed, contact deleted).</summary>
    Withdrawn,
}

[GenerateSerializer, Immutable, Alias("DialResult")]
public sealed record DialResult(
    [property: Id(0)] DialOutcome Outcome,
    [property: Id(1)] string? ExecutionId,
    [property: Id(2)] string? Reason,
    [property: Id(3)] TimeSpan? RetryAfter)
{
    public static DialResult Accepted(string executionId) => new(DialOutcome.Accepted, executionId, null, null);

    public static DialResult Failed(DialOutcome outcome, string reason, TimeSpan? retryAfter = null) => new(outcome, null, reason, retryAfter);
}

/// <summary>A voice agent a campaign can use.</summary>
[GenerateSerializer, Immutable, Alias("AgentInfo")]
public sealed record AgentInfo([property: Id(0)] string Id, [property: Id(1)] string Name);
