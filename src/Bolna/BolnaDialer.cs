using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using CallCampaigns.Domain.Calls;
using Polly.CircuitBreaker;

namespace CallCampaigns.Bolna;

/// <summary>
/// Bolna's HTTP API: <c>POST /call</c> to dial and <c>GET /v2/agent/all</c> to list agents.
/// Bolna's own retries stay off: retrying is the campaign's decision.
/// </summary>
public sealed class BolnaDialer(HttpClient http, BolnaCallRate rate) : IDialer
{
    public const string HttpClientName = "bolna";

    public async Task<DialResult> DialAsync(DialRequest request, CancellationToken cancellationToken)
    {
        var body = new CallRequest(
            request.AgentId, request.PhoneNumber, string.IsNullOrWhiteSpace(request.FromPhoneNumber) ? null : request.FromPhoneNumber,
            request.UserData, new RetryConfig(false));
        using var permit = await rate.AcquireAsync(cancellationToken);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("call", body, Json, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            // Nothing was sent: Bolna has been failing, so the campaign waits before dialling again.
            return DialResult.Failed(DialOutcome.RateLimited, $"Bolna is failing; dialling paused for a while ({e.Message})", TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
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

    public async Task<string?> LookupAsync(string executionId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync($"executions/{Uri.EscapeDataString(executionId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async Task<string?> FindExecutionAsync(string agentId, string phoneNumber, DateTimeOffset dialledAt, CancellationToken cancellationToken)
    {
        // The live API needs a from/to window (at most 7 days) and pages of at most 50.
        var from = Iso(dialledAt.AddMinutes(-1));
        var to = Iso(DateTimeOffset.UtcNow.AddMinutes(1) > dialledAt.AddDays(7) ? dialledAt.AddDays(7) : DateTimeOffset.UtcNow.AddMinutes(1));
        for (var page = 1; page <= MaxSearchPages; page++)
        {
            var url = $"v2/agent/{Uri.EscapeDataString(agentId)}/executions?from={Uri.EscapeDataString(from)}&to={Uri.EscapeDataString(to)}&page_number={page}&page_size=50";
            using var document = JsonDocument.Parse(await http.GetStringAsync(url, cancellationToken));
            var root = document.RootElement;
            var data = root.ValueKind == JsonValueKind.Array ? root : root.TryGetProperty("data", out var d) ? d : default;
            if (data.ValueKind != JsonValueKind.Array) return null;
            foreach (var execution in data.EnumerateArray())
            {
                var number = execution.TryGetProperty("telephony_data", out var telephony) ? Text(telephony, "to_number") : null;
                number ??= execution.TryGetProperty("context_details", out var context) ? Text(context, "recipient_phone_number") : null;
                if (number == phoneNumber && Text(execution, "id") is { } id) return id;
            }

            if (!(root.ValueKind == JsonValueKind.Object && root.TryGetProperty("has_more", out var more) && more.ValueKind == JsonValueKind.True)) return null;
        }

        return null;
    }

    private const int MaxSearchPages = 20;

    private static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", System.Globalization.CultureInfo.InvariantCulture);

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
