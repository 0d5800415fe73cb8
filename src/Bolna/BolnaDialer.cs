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

    public async Task<DialResult> DialAsync(DialRequest request, Func<Task<string?>> whyNot, CancellationToken cancellationToken)
    {
        var body = new CallRequest(
            request.AgentId, request.PhoneNumber, string.IsNullOrWhiteSpace(request.FromPhoneNumber) ? null : request.FromPhoneNumber,
            request.UserData, new RetryConfig(false));
        if (!await rate.AcquireAsync(cancellationToken)) return DialResult.Failed(DialOutcome.RateLimited, "Too many dials are waiting for their turn under Bolna's request rate");
        if (await whyNot() is { } withdrawn) return DialResult.Failed(DialOutcome.Withdrawn, withdrawn);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("call", body, Json, cancellationToken);
        }
        catch (BrokenCircuitException e)
        {
            // Nothing was sent: Bolna has been failing as a whole, so the campaign pauses until someone resumes it.
            return DialResult.Failed(DialOutcome.CampaignRefused, $"Bolna has been failing, so dialling stopped ({e.Message})");
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

            var error = ReadError(text);
            var reason = $"Bolna answered {(int)response.StatusCode}: {error}";
            return response.StatusCode switch
            {
                // The only resource a dial names is the agent; a caller id the account does not own is the campaign's too.
                HttpStatusCode.NotFound => DialResult.Failed(DialOutcome.CampaignRefused, $"Bolna does not know the agent ({reason})"),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity when IsAboutCallerId(error) =>
                    DialResult.Failed(DialOutcome.CampaignRefused, $"Bolna refused the caller id ({reason})"),
                HttpStatusCode.BadRequest or HttpStatusCode.UnprocessableEntity => DialResult.Failed(DialOutcome.Rejected, reason),
                HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden =>
                    DialResult.Failed(DialOutcome.CampaignRefused, $"Bolna refused the API key ({reason})"),
                HttpStatusCode.TooManyRequests => DialResult.Failed(DialOutcome.RateLimited, reason, response.Headers.RetryAfter?.Delta),
                _ => DialResult.Failed(DialOutcome.Unknown, reason),
            };
        }
    }

    public async Task<bool> StopAsync(string executionId, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.PostAsync($"call/{Uri.EscapeDataString(executionId)}/stop", null, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
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

    public async Task<DialSearch> SearchExecutionsAsync(
        string agentId, string phoneNumber, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        // The live API needs a from/to window (at most 7 days) and pages of at most 50.
        var matches = new List<string>();
        var window = $"from={Uri.EscapeDataString(Iso(from))}&to={Uri.EscapeDataString(Iso(to))}";
        try
        {
            for (var page = 1; page <= MaxSearchPages; page++)
            {
                var url = $"v2/agent/{Uri.EscapeDataString(agentId)}/executions?{window}&page_number={page}&page_size=50";
                using var response = await http.GetAsync(url, cancellationToken);
                if (!response.IsSuccessStatusCode) return new DialSearch(matches, false, $"Bolna answered {(int)response.StatusCode} to the search");
                using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                var root = document.RootElement;
                var data = root.ValueKind == JsonValueKind.Array ? root : root.TryGetProperty("data", out var d) ? d : default;
                if (data.ValueKind != JsonValueKind.Array) return new DialSearch(matches, false, "The search's answer has no list of executions");
                var legible = true;
                foreach (var execution in data.EnumerateArray())
                {
                    var number = execution.TryGetProperty("telephony_data", out var telephony) ? Text(telephony, "to_number") : null;
                    number ??= execution.TryGetProperty("context_details", out var context) ? Text(context, "recipient_phone_number") : null;
                    var id = Text(execution, "id") ?? Text(execution, "execution_id");
                    if (number is null || id is null)
                    {
                        legible = false;
                        continue;
                    }

                    if (SameNumber(number, phoneNumber)) matches.Add(id);
                }

                if (!legible) return new DialSearch(matches, false, "Some executions in the window do not show their number");
                var more = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("has_more", out var hasMore) && hasMore.ValueKind == JsonValueKind.True;
                if (!more) return new DialSearch(matches, true);
            }

            return new DialSearch(matches, false, $"More than {MaxSearchPages} pages of executions in the window");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return new DialSearch(matches, false, $"The search failed: {e.Message}");
        }
    }

    private static bool IsAboutCallerId(string error) =>
        error.Contains("from_phone_number", StringComparison.OrdinalIgnoreCase) || error.Contains("caller", StringComparison.OrdinalIgnoreCase)
        || error.Contains("from number", StringComparison.OrdinalIgnoreCase) || error.Contains("from phone", StringComparison.OrdinalIgnoreCase);

    /// <summary>Two spellings of one E.164 number: only the digits count.</summary>
    private static bool SameNumber(string a, string b) =>
        a.Where(char.IsAsciiDigit).SequenceEqual(b.Where(char.IsAsciiDigit));

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
