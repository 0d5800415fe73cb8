namespace CallCampaigns.Ledger.Suppressions;

/// <summary>One do-not-call entry as stored (<c>UserId</c> null: the system's list).</summary>
public sealed record SuppressionRow
{
    public long Id { get; init; }
    public string? UserId { get; init; }
    public required string PhoneNumber { get; init; }
    public required string Source { get; init; }
    public string? Reason { get; init; }
    public long CreatedAt { get; init; }
}
