using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace CallCampaigns.Testing;

/// <summary>A thin client of the public HTTP API, for tests and benchmarks.</summary>
public sealed class CampaignsClient(Uri baseUrl, string apiKey) : IDisposable
{
    private readonly HttpClient _http = new() { BaseAddress = baseUrl, DefaultRequestHeaders = { Authorization = new AuthenticationHeaderValue("Bearer", apiKey) } };

    public HttpClient Http => _http;

    public async Task<JsonObject> SendAsync(HttpMethod method, string path, object? body = null, int expect = 200)
    {
        using var request = new HttpRequestMessage(method, path);
        if (body is not null) request.Content = JsonContent.Create(body);
        using var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if ((int)response.StatusCode != expect)
        {
            throw new HttpRequestException($"{method} {path} answered {(int)response.StatusCode}, expected {expect}: {text}");
        }

        return text.Length == 0 ? [] : JsonNode.Parse(text) is JsonObject o ? o : new JsonObject { ["items"] = JsonNode.Parse(text) };
    }

    public Task<JsonObject> GetAsync(string path) => SendAsync(HttpMethod.Get, path);

    public Task<JsonObject> PostAsync(string path, object? body, int expect = 200) => SendAsync(HttpMethod.Post, path, body, expect);

    /// <summary>Creates a user with the admin key; returns the new user's API key.</summary>
    public async Task<string> CreateUserAsync(string id, int limit)
    {
        var user = await PostAsync("api/admin/users", new { id, name = $"User {id}", concurrentCallsLimit = limit }, 201);
        return user["apiKey"]!.GetValue<string>();
    }

    /// <summary>Creates <paramref name="count"/> named contacts with distinct numbers; returns their ids.</summary>
    public async Task<long[]> CreateContactsAsync(int count, int numberBase = 0)
    {
        var ids = new long[count];
        for (var i = 0; i < count; i++)
        {
            var contact = await PostAsync("api/contacts", new { name = $"Person {i}", phoneNumber = $"+1416555{numberBase + i:D4}" }, 201);
            ids[i] = contact["id"]!.GetValue<long>();
        }

        return ids;
    }

    public Task<JsonObject> CreateCampaignAsync(object body) => PostAsync("api/campaigns", body, 201);

    public Task<JsonObject> GetCampaignAsync(long id) => GetAsync($"api/campaigns/{id}");

    /// <summary>Polls the campaign until <paramref name="done"/> holds, or fails after <paramref name="within"/>.</summary>
    public async Task<JsonObject> WaitForCampaignAsync(long id, Func<JsonObject, bool> done, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        JsonObject campaign;
        do
        {
            campaign = await GetCampaignAsync(id);
            if (done(campaign)) return campaign;
            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);
        throw new TimeoutException($"Campaign {id} did not get there within {within}: {campaign.ToJsonString()}");
    }

    /// <summary>
    /// Listens to a campaign's server-sent events until <paramref name="until"/> holds for one (or the time is up);
    /// returns every event seen as (event name, data).
    /// </summary>
    public async Task<IReadOnlyList<(string Event, JsonObject Data)>> ListenAsync(long campaignId, Func<string, JsonObject, bool> until, TimeSpan within)
    {
        var seen = new List<(string, JsonObject)>();
        using var timeout = new CancellationTokenSource(within);
        using var response = await _http.GetAsync($"api/campaigns/{campaignId}/events", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        var name = "message";
        try
        {
            while (await reader.ReadLineAsync(timeout.Token) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) name = line[7..];
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    var data = JsonNode.Parse(line[6..])!.AsObject();
                    seen.Add((name, data));
                    if (until(name, data)) return seen;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return seen;
    }

    /// <summary>Every item of a campaign, through the queue listing.</summary>
    public async Task<IReadOnlyList<JsonObject>> ListItemsAsync(long campaignId)
    {
        var items = new List<JsonObject>();
        for (var page = 1; ; page++)
        {
            var listed = await GetAsync($"api/campaigns/{campaignId}/queue?page={page}&pageSize=200");
            var batch = listed["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();
            items.AddRange(batch);
            if (items.Count >= listed["total"]!.GetValue<int>() || batch.Length == 0) return items;
        }
    }

    /// <summary>
    /// The most items that were in flight at once, from each item's start to its end: a check of the concurrency
    /// limit made after the fact from what the ledger recorded.
    /// </summary>
    public static int MaxOverlap(IEnumerable<JsonObject> items)
    {
        var events = new List<(DateTime At, int Delta)>();
        foreach (var item in items)
        {
            if (item["startedAt"]?.GetValue<DateTime>() is not { } start) continue;
            var end = item["completedAt"]?.GetValue<DateTime>() ?? DateTime.MaxValue;
            events.Add((start, 1));
            events.Add((end, -1));
        }

        var (current, max) = (0, 0);
        foreach (var (_, delta) in events.OrderBy(e => e.At).ThenBy(e => e.Delta))
        {
            current += delta;
            max = Math.Max(max, current);
        }

        return max;
    }

    /// <summary>A time in a response (ISO 8601, UTC), or null.</summary>
    public static DateTimeOffset? Time(JsonNode? node) =>
        node is null ? null : DateTimeOffset.Parse(node.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);

    public void Dispose() => _http.Dispose();
}
