using System.Text.Json;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>The one place that builds what the agent is told about the person it calls.</summary>
internal static class DialRequests
{
    public static DialRequest For(Campaign campaign, ClaimedItem item)
    {
        var userData = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in CustomFields(item.CustomFields)) userData[key] = value;
        userData["summary"] = ContactSummary.Build(
            item.ContactName, item.Email, item.Company, UnixMs.ToTime(item.LastConversationAt), item.LastTranscriptSummary);
        if (!string.IsNullOrWhiteSpace(campaign.NextAction)) userData["next_action"] = campaign.NextAction;
        return new DialRequest(campaign.Id, item.Id, item.Attempts, campaign.AgentId, item.PhoneNumber, campaign.FromPhoneNumber, userData);
    }

    private static IEnumerable<(string Key, string Value)> CustomFields(string? json)
    {
        if (string.IsNullOrWhiteSpace(json)) yield break;
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Object) yield break;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            if (!string.IsNullOrEmpty(value)) yield return (property.Name, value);
        }
    }
}
