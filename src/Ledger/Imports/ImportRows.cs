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

    /// <summary>When the import last said how far it had come (or finished).</summary>
    public long? UpdatedAt { get; init; }
}

public sealed class ImportErrorRow
{
    public int RowNumber { get; init; }
    public string? PhoneNumber { get; init; }
    public required string Reason { get; init; }
}

/// <summary>Where an import goes: a campaign that exists (<see cref="CampaignId"/>), or the one the file builds, created when the import joins.</summary>
public sealed record ImportTarget(long? CampaignId, Domain.Campaigns.Campaign Campaign);

/// <summary>The rows read so far, and those of them that were skipped as duplicates or failed.</summary>
public readonly record struct ImportCounts(int TotalRows, int SkippedDuplicates, int Failed);

/// <summary>A row ready to join: its number, what the file says of the person, and its custom fields as JSON.</summary>
public sealed record StagedRow(
    int RowNumber, string PhoneNumber, string? Name, string? Email, string? Company, string CustomFields,
    long? LastConversationAt, string? TranscriptSummary, string? TimeZone = null, bool TimeZoneGiven = false, string? Region = null);

/// <summary>A row that does not join, and why.</summary>
public sealed record RowError(int RowNumber, string? PhoneNumber, string Reason);
