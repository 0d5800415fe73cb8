namespace CallCampaigns.Ledger.Imports;

public sealed class ImportRecord
{
    public long Id { get; init; }
    public required string UserId { get; init; }
    public long? CampaignId { get; init; }
    public string? FileName { get; init; }
    public required string Status { get; init; }
    public int TotalRows { get; init; }
    public int Imported { get; init; }
    public int SkippedDuplicates { get; init; }
    public int Failed { get; init; }
    public long CreatedAt { get; init; }
    public long? CompletedAt { get; init; }
}

public sealed class ImportErrorRow
{
    public int RowNumber { get; init; }
    public string? PhoneNumber { get; init; }
    public required string Reason { get; init; }
}

/// <summary>
/// A row ready to join: its number, what the file says of the person, its custom fields as JSON, and its priority
/// as a new contact.
/// </summary>
public sealed record StagedRow(
    int RowNumber, string PhoneNumber, string? Name, string? Email, string? Company, string CustomFields,
    long? LastConversationAt, string? TranscriptSummary, int Priority);

/// <summary>A row that does not join, and why.</summary>
public sealed record RowError(int RowNumber, string? PhoneNumber, string Reason, bool IsDuplicate);

/// <summary>A row whose contact existed before the import, with what its priority depends on.</summary>
public sealed class JoiningContact
{
    public int RowNumber { get; init; }
    public long ContactId { get; init; }
    public required string PhoneNumber { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Company { get; init; }
    public int SuccessfulCalls { get; init; }
    public int NotConnectedCalls { get; init; }
}
