namespace CallCampaigns.Ledger.Users;

public sealed class UserRow
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public int ConcurrencyLimit { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}

/// <summary>A user with the calls they have in flight and waiting.</summary>
public sealed class UserUsageRow
{
    public required string Id { get; init; }
    public required string Name { get; init; }
    public int ConcurrencyLimit { get; init; }
    /// <summary>The user's own frequency cap; null: the system's.</summary>
    public int? CallCapMax { get; init; }
    public int? CallCapHours { get; init; }
    public int ActiveCalls { get; init; }
    public int QueuedCalls { get; init; }
}
