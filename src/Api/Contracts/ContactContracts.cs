using System.Text.Json;
using CallCampaigns.Ledger.Contacts;

namespace CallCampaigns.Api.Contracts;

public sealed record CreateContactRequest(
    string? Name, string? PhoneNumber, string? Email, string? Company, Dictionary<string, string>? CustomFields);

/// <summary>A partial change: absent fields stay as they are; an empty string clears an optional field.</summary>
public sealed record UpdateContactRequest(
    string? Name, string? PhoneNumber, string? Email, string? Company, Dictionary<string, string>? CustomFields);

public sealed record Contact(
    long Id, string? Name, string PhoneNumber, string? Email, string? Company, IReadOnlyDictionary<string, string> CustomFields,
    int SuccessfulCalls, int NotConnectedCalls, DateTime? LastConversationAt, string? LastTranscriptSummary,
    DateTime CreatedAt, DateTime UpdatedAt)
{
    public static Contact From(ContactRow row) => new(
        row.Id, row.Name, row.PhoneNumber, row.Email, row.Company,
        JsonSerializer.Deserialize<Dictionary<string, string>>(row.CustomFields) ?? [],
        row.SuccessfulCalls, row.NotConnectedCalls, Json.Utc(row.LastConversationAt), row.LastTranscriptSummary,
        Json.Utc(row.CreatedAt), Json.Utc(row.UpdatedAt));
}

public sealed record Paged<T>(IReadOnlyList<T> Items, int Total, int Page, int PageSize);

public sealed record ExistingContact(long Id);
