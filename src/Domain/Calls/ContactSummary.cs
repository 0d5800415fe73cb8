using System.Globalization;

namespace CallCampaigns.Domain.Calls;

/// <summary>The <c>summary</c> line the agent receives about the person it calls: the fields the contact has.</summary>
public static class ContactSummary
{
    public static string Build(string? name, string? email, string? company, DateTimeOffset? lastConversationAt, string? transcriptSummary)
    {
        var parts = new List<string>(5);
        Add(parts, "name", name);
        Add(parts, "email", email);
        Add(parts, "company", company);
        Add(parts, "last_conversation", lastConversationAt?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        Add(parts, "transcript_summary", transcriptSummary);
        return string.Join(", ", parts);
    }

    private static void Add(List<string> parts, string label, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value)) parts.Add($"{label}: {value.Trim()}");
    }
}
