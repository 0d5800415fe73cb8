using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Bolna;

/// <summary>
/// Bolna's HTTP API: <c>POST /call</c> to dial and <c>GET /v2/agent/all</c> to list agents.
/// Bolna's own retries stay off: retrying is the campaign's decision.
/// </summary>
public sealed class BolnaDialer(HttpClient http) : IDialer
{
    public const string HttpClientName = "bolna";

    public async Task<DialResult> DialAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var body = new CallRequest(
            request.AgentId, request.PhoneNumber, string.IsNullOrWhiteSpace(request.FromPhoneNumber) ? null : request.FromPhoneNumber,
            request.UserData, new RetryConfig(false));
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("call", body, Json, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or OperationCanceledException)
        {
            return DialResult.Failed(DialOutcome.Unknown, $"No answer from Bolna: {e.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                var executionId = ReadExecutionId(text);
                return executionId is null
                    ? DialResult.Failed(DialOutcome.Unknown, "Bolna accepted the call but sent no execution id")
                    : DialResult.Accepted(executionId);
            }

            var reason = $"Bolna answered {(int)response.StatusCode}: {ReadError(text)}";
            return response.StatusCode switch
            {
                HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity =>
                    DialResult.Failed(DialOutcome.Rejected, reason),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => DialResult.Failed(DialOutcome.Unauthorized, reason),
                HttpStatusCode.TooManyRequests => DialResult.Failed(DialOutcome.RateLimited, reason, response.Headers.RetryAfter?.Delta),
                _ => DialResult.Failed(DialOutcome.Unknown, reason),
            };
        }
    }

    public async Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken)
    {
        using var document = JsonDocument.Parse(await http.GetStringAsync("v2/agent/all", cancellationToken));
        var agents = document.RootElement.ValueKind == JsonValueKind.Array
            ? document.RootElement
            : document.RootElement.TryGetProperty("data", out var data) ? data : default;
        if (agents.ValueKind != JsonValueKind.Array) return [];
        return agents.EnumerateArray()
            .Select(agent => new AgentInfo(
                Text(agent, "id") ?? Text(agent, "agent_id") ?? "",
                Text(agent, "agent_name") ?? Text(agent, "name") ?? Text(agent, "id") ?? ""))
            .Where(agent => agent.Id.Length > 0)
            .ToArray();
    }

    public async Task<CallUpdate?> LookupAsync(string executionId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"executions/{Uri.EscapeDataString(executionId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return BolnaWebhook.Parse(await response.Content.ReadAsStringAsync(cancellationToken)).Update;
    }

    private static string? ReadExecutionId(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return Text(document.RootElement, "execution_id") ?? Text(document.RootElement, "id");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Bolna's error text is in <c>message</c>, <c>detail</c> or <c>error</c>, depending on the endpoint.</summary>
    private static string ReadError(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return Text(document.RootElement, "message") ?? Text(document.RootElement, "detail")
                ?? Text(document.RootElement, "error") ?? text;
        }
        catch (JsonException)
        {
            return text.Length > 200 ? text[..200] : text;
        }
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Number => value.GetRawText(),
                JsonValueKind.Object or JsonValueKind.Array => value.GetRawText(),
                _ => null,
            }
            : null;

    private static readonly JsonSerializerOptions Json = new()
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record CallRequest(
        [property: JsonPropertyName("agent_id")] string AgentId,
        [property: JsonPropertyName("recipient_phone_number")] string RecipientPhoneNumber,
        [property: JsonPropertyName("from_phone_number")] string? FromPhoneNumber,
        [property: JsonPropertyName("user_data")] IReadOnlyDictionary<string, string> UserData,
        [property: JsonPropertyName("retry_config")] RetryConfig RetryConfig);

    private sealed record RetryConfig([property: JsonPropertyName("enabled")] bool Enabled);
}
