using System.Globalization;
using System.Text.Json;
using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Bolna;

/// <summary>
/// Reads Bolna's execution object (a webhook body or a <c>GET /executions/{id}</c> answer) leniently:
/// <c>id</c> or <c>execution_id</c>; numbers that arrive as strings; Bolna's status spellings; unknown fields ignored.
/// </summary>
public static class BolnaWebhook
{
    /// <summary>The update the body describes, or the reason it cannot be used.</summary>
    public static (CallUpdate? Update, string? Error) Parse(string body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            return (null, $"The body is not JSON: {e.Message}");
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    public static (CallUpdate? Update, string? Error) Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object) return (null, "The body must be a JSON object (Bolna's execution).");
        var id = Text(root, "id") ?? Text(root, "execution_id");
        if (string.IsNullOrWhiteSpace(id)) return (null, "The execution has no 'id' (or 'execution_id').");
        var status = Text(root, "status");
        if (string.IsNullOrWhiteSpace(status)) return (null, "The execution has no 'status'.");

        var telephony = root.TryGetProperty("telephony_data", out var t) && t.ValueKind == JsonValueKind.Object ? t : default;
        return (new CallUpdate(
            id.Trim(),
            CallStatus.Normalise(status),
            Time(root, "updated_at"),
            Number(root, "conversation_duration") ?? Number(root, "conversation_time"),
            Number(telephony, "duration"),
            Number(root, "total_cost"),
            Text(root, "transcript"),
            Text(root, "summary"),
            NonEmpty(Text(telephony, "recording_url")),
            Text(telephony, "hangup_reason"),
            Text(root, "error_message"),
            Extracted(root)), null);
    }

    /// <summary>The agent's extraction (<c>extracted_data</c>) as JSON, when it holds anything.</summary>
    private static string? Extracted(JsonElement root) =>
        root.TryGetProperty("extracted_data", out var data) && data.ValueKind == JsonValueKind.Object && data.EnumerateObject().Any()
            ? data.GetRawText()
            : null;

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                _ => null,
            }
            : null;

    private static double? Number(JsonElement element, string name)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(name, out var value)) return null;
        // Only finite figures count: "NaN" or "Infinity" in a string says nothing about the call.
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number)) return double.IsFinite(number) ? number : null;
        return value.ValueKind == JsonValueKind.String
            && double.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) && double.IsFinite(parsed)
                ? parsed
                : null;
    }

    private static DateTimeOffset? Time(JsonElement element, string name) =>
        Text(element, name) is { } text
        && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
}
