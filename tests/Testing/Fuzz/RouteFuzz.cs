using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CsCheck;

namespace CallCampaigns.Testing.Fuzz;

/// <summary>
/// Generated input, mutated from valid requests, sent through HTTP to a running node, route by route. The property:
/// the answer is 2xx with everything written, or 4xx with a problem <c>detail</c> and nothing written; never 5xx; and
/// the user's lists still answer 200 afterwards. Deterministic for a seed: each route draws from its own PCG stream of
/// it, so case k of a route is the same input in every run (apart from ids the node hands out).
/// </summary>
public sealed class RouteFuzz
{
    public const string DefaultSeed = "0N0XIzNsQ0O2";

    private readonly Uri _baseUrl;
    private readonly CampaignsClient _admin;
    private readonly string _webhookSecret;
    private readonly PCG _seed;
    private readonly int _cases;
    private readonly string _prefix = $"f{Guid.NewGuid():N}"[..10];
    private readonly List<RouteReport> _reports = [];
    private int _numbers;
    private int _users;

    private RouteFuzz(Uri baseUrl, string adminKey, string webhookSecret, string seed, int cases)
    {
        _baseUrl = baseUrl;
        _admin = new CampaignsClient(baseUrl, adminKey);
        _webhookSecret = webhookSecret;
        _seed = PCG.Parse(seed);
        _cases = cases;
    }

    /// <summary>Runs <paramref name="cases"/> generated cases against every route of the node at <paramref name="baseUrl"/>.</summary>
    public static async Task<IReadOnlyList<RouteReport>> RunAsync(Uri baseUrl, string adminKey, string webhookSecret, string seed, int cases)
    {
        var fuzz = new RouteFuzz(baseUrl, adminKey, webhookSecret, seed, cases);
        try
        {
            await fuzz.RunAllAsync();
        }
        finally
        {
            fuzz._admin.Dispose();
        }

        return fuzz._reports;
    }

    private async Task RunAllAsync()
    {
        using var user = await NewUserAsync();
        var contacts = await user.CreateContactsAsync(3, numberBase: 9000);
        var scheduled = await NewScheduledCampaignAsync(user, contacts);

        await RouteAsync("POST /api/contacts", FuzzInputs.Mutated(() => new JsonObject
        {
            ["name"] = "Gen",
            ["phoneNumber"] = NextNumber(),
            ["email"] = "g@example.com",
            ["company"] = "Acme",
            ["customFields"] = new JsonObject { ["plan"] = "Pro" },
        }, "name", "phoneNumber", "email", "company", "customFields", "customFields.plan", "customFields.x", "timeZone"),
            body => WriteAsync(user, HttpMethod.Post, "api/contacts", Json(body), () => TotalAsync(user, "api/contacts"), Grew));

        await RouteAsync("POST /api/suppressions", FuzzInputs.Mutated(() => new JsonObject
        {
            ["phoneNumber"] = NextNumber(),
            ["reason"] = "asked by email",
        }, "phoneNumber", "reason"),
            body => WriteAsync(user, HttpMethod.Post, "api/suppressions", Json(body), () => TotalAsync(user, "api/suppressions"), Grew));

        await RouteAsync("PATCH /api/contacts/{id}", FuzzInputs.Mutated(() => new JsonObject { ["name"] = "Edited" },
                "name", "phoneNumber", "email", "company", "customFields", "customFields.plan", "timeZone"),
            body => WriteAsync(user, HttpMethod.Patch, $"api/contacts/{contacts[0]}", Json(body), () => StableAsync(user, $"api/contacts/{contacts[0]}"),
                wrote: null));

        await RouteAsync("POST /api/campaigns", FuzzInputs.Mutated(() => new JsonObject
        {
            ["agentId"] = "sim-sales-agent",
            ["firstCallTime"] = "09:00",
            ["lastCallTime"] = "17:00",
            ["timeZone"] = "Europe/London",
            ["startDate"] = Day(70),
            ["pacing"] = "spread",
            ["retry"] = new JsonObject { ["maxAttempts"] = 2, ["delayMinutes"] = 30, ["on"] = new JsonArray("busy") },
            ["name"] = "Generated",
            ["contactIds"] = new JsonArray(contacts[0], contacts[1]),
        }, "agentId", "firstCallTime", "lastCallTime", "timeZone", "startDate", "endDate", "pacing", "name", "description", "nextAction", "fromPhoneNumber",
            "contactIds", "retry", "retry.maxAttempts", "retry.delayMinutes", "retry.on", "windowZone"),
            body => WriteAsync(user, HttpMethod.Post, "api/campaigns", Json(body), () => TotalsAsync(user), Grew));

        await RouteAsync("PATCH /api/campaigns/{id}", FuzzInputs.Mutated(() => new JsonObject { ["name"] = "Edited" },
                "name", "description", "nextAction", "agentId", "firstCallTime", "lastCallTime", "timeZone", "startDate", "endDate", "pacing",
                "retry", "retry.maxAttempts", "retry.delayMinutes", "retry.on", "windowZone", "status"),
            body => WriteAsync(user, HttpMethod.Patch, $"api/campaigns/{scheduled}", Json(body), () => StableAsync(user, $"api/campaigns/{scheduled}"),
                wrote: null));

        await RouteAsync("POST /api/campaigns/{id}/contacts", FuzzInputs.Mutated(() => new JsonObject { ["contactIds"] = new JsonArray(contacts[2]) }, "contactIds"),
            body => WriteAsync(user, HttpMethod.Post, $"api/campaigns/{scheduled}/contacts", Json(body),
                async () => (await user.GetCampaignAsync(scheduled))["totalContacts"]!.ToJsonString(), wrote: null));

        await RouteAsync("POST /api/campaigns/import", Gen.Select(FuzzInputs.Csv, FuzzInputs.ImportFields, FuzzInputs.MultipartShape),
            input => WriteAsync(user, HttpMethod.Post, "api/campaigns/import", Multipart(input.Item1, input.Item2, input.Item3, withCampaignFields: true),
                () => TotalsAsync(user), wrote: null));

        await RouteAsync("POST /api/campaigns/{id}/contacts/import", Gen.Select(FuzzInputs.Csv, FuzzInputs.MultipartShape),
            input => WriteAsync(user, HttpMethod.Post, $"api/campaigns/{scheduled}/contacts/import", Multipart(input.Item1, [], input.Item2, withCampaignFields: false),
                async () => (await user.GetCampaignAsync(scheduled))["totalContacts"]!.ToJsonString() + " " + await TotalAsync(user, "api/campaigns"),
                wrote: null));

        await RouteAsync("POST /api/campaigns/{id}/pause|resume|cancel, DELETE", Gen.OneOf("pause", "resume", "cancel", "delete", "pause", "resume").Array[1, 4],
            async moves =>
            {
                var id = await NewScheduledCampaignAsync(user, contacts);
                var best = int.MaxValue;
                foreach (var move in moves)
                {
                    var (method, path) = move == "delete" ? (HttpMethod.Delete, $"api/campaigns/{id}") : (HttpMethod.Post, $"api/campaigns/{id}/{move}");
                    best = Math.Min(best, await WriteAsync(user, method, path, null, () => StableAsync(user, $"api/campaigns/{id}", missingIs: "gone"), wrote: null));
                }

                return best;
            });

        foreach (var (route, keys) in new[]
                 {
                     ("GET /api/contacts", new[] { "search", "page", "pageSize" }),
                     ("GET /api/campaigns", ["status", "page", "pageSize"]),
                     ($"GET /api/campaigns/{scheduled}/queue", ["status", "page", "pageSize"]),
                     ("GET /api/imports", ["status", "page", "pageSize"]),
                     ("GET /api/suppressions", ["search", "page", "pageSize"]),
                 })
        {
            var path = route[4..].TrimStart('/');
            await RouteAsync(route.Replace(scheduled.ToString(CultureInfo.InvariantCulture), "{id}", StringComparison.Ordinal), FuzzInputs.Query(keys),
                query => ReadAsync(user, $"{path}?{query}"));
        }

        await RouteAsync("ids in paths (GET, PATCH, DELETE, POST)", Gen.Select(Gen.OneOf(
                "api/contacts/{0}", "api/campaigns/{0}", "api/campaigns/{0}/queue", "api/campaigns/{0}/analytics", "api/campaigns/{0}/pause",
                "api/campaigns/{0}/contacts", "api/imports/{0}", "api/imports/{0}/errors.csv", "templates/{0}", "api/admin/users/{0}/limits"),
                FuzzInputs.Id, Gen.OneOf("GET", "PATCH", "DELETE", "POST", "PUT")),
            input => WriteAsync(user, new HttpMethod(input.Item3), string.Format(CultureInfo.InvariantCulture, input.Item1, input.Item2),
                Json("{}"), () => TotalsAsync(user), wrote: null));

        await RouteAsync("POST /api/admin/users", FuzzInputs.Mutated(() => new JsonObject
        {
            ["id"] = $"{_prefix}u{Interlocked.Increment(ref _users)}",
            ["name"] = "Generated user",
            ["concurrentCallsLimit"] = 2,
        }, "id", "name", "concurrentCallsLimit"),
            body => WriteAsync(_admin, HttpMethod.Post, "api/admin/users", Json(body), async () => (await _admin.GetAsync("api/admin/users"))["items"]!.AsArray().Count.ToString(CultureInfo.InvariantCulture), Grew));

        var me = (await user.GetAsync("api/me"))["id"]!.GetValue<string>();
        await RouteAsync("PUT /api/admin/users/{id}/limits", FuzzInputs.Mutated(() => new JsonObject { ["concurrentCallsLimit"] = 3 },
                "concurrentCallsLimit", "callCap", "callCap.maxCalls", "callCap.perHours"),
            body => WriteAsync(_admin, HttpMethod.Put, $"api/admin/users/{me}/limits", Json(body), () => UserAsync(me), wrote: null));

        var system = (await _admin.GetAsync("api/admin/system"))["systemConcurrentCallsLimit"]!.GetValue<int>();
        await RouteAsync("PUT /api/admin/system", FuzzInputs.Mutated(() => new JsonObject { ["systemConcurrentCallsLimit"] = system },
                "systemConcurrentCallsLimit", "callCap", "callCap.maxCalls", "callCap.perHours"),
            body => WriteAsync(_admin, HttpMethod.Put, "api/admin/system", Json(body),
                async () => { var s = await _admin.GetAsync("api/admin/system"); return $"{s["systemConcurrentCallsLimit"]} {s["callCap"]?.ToJsonString()}"; }, wrote: null));
        await _admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = system, callCap = (object?)null });

        await RouteAsync("POST /api/webhooks/bolna", Gen.Select(FuzzInputs.Mutated(() => new JsonObject
        {
            ["id"] = $"{_prefix}-execution",
            ["status"] = "completed",
            ["conversation_duration"] = 12.5,
            ["total_cost"] = 3.2,
            ["transcript"] = "Hello",
            ["telephony_data"] = new JsonObject { ["to_number"] = "+14155550100", ["duration"] = "12", ["hangup_reason"] = "normal" },
            ["extracted_data"] = new JsonObject { ["do_not_call"] = false },
        }, "id", "execution_id", "status", "conversation_duration", "total_cost", "transcript", "telephony_data", "telephony_data.to_number",
            "telephony_data.duration", "extracted_data", "extracted_data.do_not_call", "created_at", "updated_at"), Gen.Int[0, 5]),
            input => WebhookAsync(input.Item1, input.Item2));

        await RouteAsync("POST /dashboard-login", Gen.Select(Gen.OneOf("", "key=", "key=nope", "key=%ZZ", "kee=1", "{\"key\":\"x\"}", "key=" + new string('k', 5000)),
                Gen.OneOf("application/x-www-form-urlencoded", "application/json", "multipart/form-data", "text/plain")),
            input =>
            {
                var content = new StringContent(input.Item1, Encoding.UTF8);
                content.Headers.ContentType = MediaTypeHeaderValue.Parse(input.Item2);
                return WriteAsync(user, HttpMethod.Post, "dashboard-login", content, () => TotalsAsync(user), wrote: null);
            });

        await RouteAsync("GET /api/me, /api/agents, /api/campaigns/{id}/analytics, /templates, /health", Gen.OneOf(
                "api/me", "api/agents", $"api/campaigns/{scheduled}", $"api/campaigns/{scheduled}/analytics", "templates/call-campaign-basic-template.csv",
                "templates/call-campaign-advanced-template.csv", "templates/nope.csv", "health/live", "health/ready", "api/admin/system"),
            path => ReadAsync(user, path));
    }

    /// <summary>Runs the route's cases; each case's input comes from the route's own stream of the seed.</summary>
    private async Task RouteAsync<T>(string route, Gen<T> gen, Func<T, Task<int>> check)
    {
        var report = new RouteReport(route);
        _reports.Add(report);
        var pcg = new PCG(_seed.Stream + (uint)_reports.Count, _seed.Seed);
        for (var i = 0; i < _cases; i++)
        {
            var input = gen.Generate(pcg, null, out _);
            report.Cases++;
            try
            {
                var status = await check(input);
                if (status < 400) report.Success++;
                else report.Refused++;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                var shown = Shown(input);
                report.Failures.Add($"case {i}: {e.Message}\n    input: {(shown.Length > 600 ? shown[..600] + "..." : shown)}");
            }
        }
    }

    /// <summary>
    /// Sends one write. A 4xx must carry a detail and leave <paramref name="state"/> as it was; a 2xx may change it (and
    /// must, where <paramref name="wrote"/> says how). Never 5xx; the lists answer 200 afterwards.
    /// </summary>
    private async Task<int> WriteAsync(CampaignsClient client, HttpMethod method, string path, HttpContent? body, Func<Task<string>> state,
        Func<string, string, bool>? wrote)
    {
        var before = await state();
        var (status, text) = await SendAsync(client, method, path, body);
        var after = await state();
        if (status >= 400 && before != after) throw new PropertyFailed($"{method} {path} answered {status} but changed {before} -> {after}: {text}");
        if (status < 300 && wrote is not null && !wrote(before, after)) throw new PropertyFailed($"{method} {path} answered {status} but wrote nothing ({before} -> {after}): {text}");
        await ListsAnswerAsync(client);
        return status;
    }

    private async Task<int> ReadAsync(CampaignsClient client, string path)
    {
        var (status, _) = await SendAsync(client, HttpMethod.Get, path, null);
        await ListsAnswerAsync(client);
        return status;
    }

    private async Task<int> WebhookAsync(string body, int tokenShape)
    {
        using var http = new HttpClient { BaseAddress = _baseUrl };
        var path = tokenShape switch
        {
            0 => "api/webhooks/bolna",
            1 => "api/webhooks/bolna?token=",
            2 => "api/webhooks/bolna?token=wrong",
            _ => $"api/webhooks/bolna?token={Uri.EscapeDataString(_webhookSecret)}",
        };
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = Json(body) };
        if (tokenShape == 1) request.Headers.Add("X-Webhook-Token", _webhookSecret);
        using var response = await http.SendAsync(request);
        var status = (int)response.StatusCode;
        var text = await response.Content.ReadAsStringAsync();
        Judge(HttpMethod.Post, path, status, text, response.Content.Headers.ContentType?.MediaType);
        return status;
    }

    private static async Task<(int Status, string Text)> SendAsync(CampaignsClient client, HttpMethod method, string path, HttpContent? body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        using var response = await client.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var status = (int)response.StatusCode;
        Judge(method, path, status, text, response.Content.Headers.ContentType?.MediaType);
        return (status, text);
    }

    /// <summary>Never 5xx; a 4xx is problem details, with a <c>detail</c> wherever the request itself was judged.</summary>
    private static void Judge(HttpMethod method, string path, int status, string text, string? mediaType)
    {
        if (status >= 500) throw new PropertyFailed($"{method} {path} answered {status}: {Cut(text)}");
        if (status < 400) return;
        // Kestrel refuses a NUL in the path before the app sees the request: a bare 400 the app cannot give a body.
        if (status == 400 && text.Length == 0 && path.Contains("%00", StringComparison.Ordinal)) return;
        if (mediaType != "application/problem+json") throw new PropertyFailed($"{method} {path} answered {status} as {mediaType ?? "nothing"}: {Cut(text)}");
        // The router's own 404/405 (no such route) carry a status and title only; every answer of an endpoint has a detail.
        var detail = (string?)JsonNode.Parse(text)?["detail"];
        if (status is not (404 or 405) && string.IsNullOrWhiteSpace(detail)) throw new PropertyFailed($"{method} {path} answered {status} without a detail: {Cut(text)}");
    }

    private static async Task ListsAnswerAsync(CampaignsClient client)
    {
        foreach (var list in new[] { "api/campaigns?pageSize=200", "api/contacts?pageSize=200" })
        {
            using var response = await client.Http.GetAsync(list);
            if ((int)response.StatusCode is var status && status != 200 && status != 403) throw new PropertyFailed($"GET {list} answered {status} afterwards");
        }
    }

    private static bool Grew(string before, string after) => before != after;

    private static async Task<string> TotalAsync(CampaignsClient user, string list) => (await user.GetAsync(list))["total"]!.ToJsonString();

    private static async Task<string> TotalsAsync(CampaignsClient user) =>
        $"campaigns {await TotalAsync(user, "api/campaigns")}, contacts {await TotalAsync(user, "api/contacts")}";

    /// <summary>A resource as JSON, without the fields that move by themselves.</summary>
    private static async Task<string> StableAsync(CampaignsClient user, string path, string? missingIs = null)
    {
        using var response = await user.Http.GetAsync(path);
        if ((int)response.StatusCode == 404 && missingIs is not null) return missingIs;
        var node = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        foreach (var moving in new[] { "nextCallAt", "estimatedCompletionAt", "queuedCalls", "inProgressCalls", "completedCalls", "successfulCalls", "failedCalls" })
        {
            node.Remove(moving);
        }

        return node.ToJsonString();
    }

    private async Task<string> UserAsync(string id) =>
        (await _admin.GetAsync("api/admin/users"))["items"]!.AsArray().Single(u => (string?)u!["id"] == id)!.ToJsonString();

    private async Task<CampaignsClient> NewUserAsync() =>
        new(_baseUrl, await _admin.CreateUserAsync($"{_prefix}u{Interlocked.Increment(ref _users)}", limit: 2));

    private static async Task<long> NewScheduledCampaignAsync(CampaignsClient user, long[] contacts) =>
        (await user.CreateCampaignAsync(new { agentId = "sim-sales-agent", firstCallTime = "09:00", lastCallTime = "17:00", startDate = Day(60), contactIds = contacts }))["id"]!
        .GetValue<long>();

    private string NextNumber() => $"+1415777{Interlocked.Increment(ref _numbers) % 10000:D4}";

    private static HttpContent Multipart(string csv, (string Name, string Value)[] fields, int shape, bool withCampaignFields)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue(shape == 3 ? "application/octet-stream" : "text/csv");
        if (shape != 4) content.Add(file, "file", "generated.csv");
        var form = withCampaignFields
            ? new Dictionary<string, string> { ["agentId"] = "sim-sales-agent", ["firstCallTime"] = "09:00", ["lastCallTime"] = "17:00", ["startDate"] = Day(60) }
            : [];
        foreach (var (name, value) in fields) form[name] = value;
        foreach (var (name, value) in form) content.Add(new StringContent(value), name);
        var bytes = content.ReadAsByteArrayAsync().GetAwaiter().GetResult();
        var raw = new ByteArrayContent(shape == 0 ? bytes[..(bytes.Length / 2)] : bytes);
        raw.Headers.ContentType = shape == 1 ? MediaTypeHeaderValue.Parse("multipart/form-data") : content.Headers.ContentType;
        return raw;
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Day(int days) => DateTime.UtcNow.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Cut(string text) => text.Length > 400 ? text[..400] + "..." : text;

    private static string Shown(object? input) => input switch
    {
        null => "null",
        string s => s,
        System.Runtime.CompilerServices.ITuple t => string.Join(" | ", Enumerable.Range(0, t.Length).Select(i => Shown(t[i]))),
        System.Collections.IEnumerable e => "[" + string.Join(", ", e.Cast<object?>().Select(Shown)) + "]",
        _ => input.ToString() ?? "",
    };

    private sealed class PropertyFailed(string message) : Exception(message);
}
