using CallCampaigns.Domain.Contacts;

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
    /// <summary>IANA zones, comma-separated (see <c>ContactClock</c>); null when unknown.</summary>
    public string? TimeZone { get; init; }
    /// <summary>True when the user gave the zone rather than the number.</summary>
    public bool TimeZoneGiven { get; init; }
    /// <summary>ISO country, or US-XX; null when unknown.</summary>
    public string? Region { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    /// <summary>The contact's clock: as stored, or read from the number for a contact stored before zones were kept.</summary>
    public ContactClock Clock() => TimeZone is null && Region is null ? ContactTimes.ForNumber(PhoneNumber) : ContactClock.FromStored(TimeZone, Region);
}
