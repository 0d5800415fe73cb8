namespace CallCampaigns.Ledger.Contacts;

public sealed class ContactRow
{
    public long Id { get; init; }
    public required string UserId { get; init; }
    public required string PhoneNumber { get; init; }
    public string? Name { get; init; }
    public string? Email { get; init; }
    public string? Company { get; init; }
    /// <summary>A JSON object of strings.</summary>
    public string CustomFields { get; init; } = "{}";
    public int SuccessfulCalls { get; init; }
    public int NotConnectedCalls { get; init; }
    public long? LastConversationAt { get; init; }
    public string? LastTranscriptSummary { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }
}
