using System.Text.Json;
using CallCampaigns.Ledger.Contacts;

namespace CallCampaigns.Api.Contracts;

/// <summary>A new contact; <c>timeZone</c> (IANA) overrides the zone found from the number.</summary>
public sealed record CreateContactRequest(
    string? Name, string? PhoneNumber, string? Email, string? Company, Dictionary<string, string>? CustomFields, string? TimeZone = null);

/// <summary>
/// A partial change: absent fields stay as they are; an empty string clears an optional field (an empty
/// <c>timeZone</c> goes back to the zone found from the number).
/// </summary>
public sealed record UpdateContactRequest(
    string? Name, string? PhoneNumber, string? Email, string? Company, Dictionary<string, string>? CustomFields, string? TimeZone = null);

public sealed record Contact(
    long Id, string? Name, string PhoneNumber, string? Email, string? Company, IReadOnlyDictionary<string, string> CustomFields,
    int SuccessfulCalls, int NotConnectedCalls, DateTime? LastConversationAt, string? LastTranscriptSummary,
    DateTime CreatedAt, DateTime UpdatedAt, string? TimeZone, IReadOnlyList<string> TimeZones, string? Region)
{
    /// <summary><c>timeZone</c> is the contact's zone (the first, when the number spans several: all are in <c>timeZones</c>).</summary>
    public static Contact From(ContactRow row)
    {
        var clock = row.Clock();
        return new(
            row.Id, row.Name, row.PhoneNumber, row.Email, row.Company,
            JsonSerializer.Deserialize<Dictionary<string, string>>(row.CustomFields) ?? [],
            row.SuccessfulCalls, row.NotConnectedCalls, Json.Utc(row.LastConversationAt), row.LastTranscriptSummary,
            Json.Utc(row.CreatedAt), Json.Utc(row.UpdatedAt), clock.TimeZones.Count > 0 ? clock.TimeZones[0] : null, clock.TimeZones, clock.Region);
    }
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public sealed record ExistingContact(long Id);
