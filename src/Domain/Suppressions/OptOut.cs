using System.Text.Json;

namespace CallCampaigns.Domain.Suppressions;

/// <summary>
/// An opt-out said in a call: the agent's extraction (Bolna's <c>extracted_data</c>) holds the campaign's opt-out
/// field as <c>true</c>, or as the text "true" or "yes".
/// </summary>
public static class OptOut
{
    public const string DefaultField = "do_not_call";

    public static bool Says(string? extractedData, string field)
    {
        if (string.IsNullOrEmpty(extractedData) || string.IsNullOrEmpty(field)) return false;
        try
        {
            using var document = JsonDocument.Parse(extractedData);
            if (document.RootElement.ValueKind != JsonValueKind.Object || !document.RootElement.TryGetProperty(field, out var value)) return false;
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.String => value.GetString()?.Trim().ToLowerInvariant() is "true" or "yes",
                _ => false,
            };
        }
        catch (JsonException)
        {
            return false;
        }
    }

    /// <summary>The reason an opt-out's entry gives: the call it was said in.</summary>
    public static string Reason(string executionId) => $"opted out in call {executionId}";
}
