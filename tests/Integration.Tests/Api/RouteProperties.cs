using System.Net.Http.Headers;
using System.Text;
using CsCheck;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>
/// Generated input, mutated from valid requests, through HTTP on a real embedded node. The property for every route:
/// the answer is 2xx with everything written, or 4xx with a <c>detail</c> and nothing written; never 5xx; and the
/// user's lists still answer 200 afterwards. Seeded and a fixed number of cases per route (<see cref="Cases"/>);
/// <c>CALLCAMPAIGNS_FUZZ_CASES</c> raises it (the <c>bench fuzz</c> run).
/// </summary>
public sealed class RouteProperties(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    public const string Seed = "0N0XIzNsQ0O2";

    private static readonly long Cases = long.TryParse(Environment.GetEnvironmentVariable("CALLCAMPAIGNS_FUZZ_CASES"), out var n) ? n : 25;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Values a field may be replaced with: wrong types, edges, far dates, wildcards, oversized text.</summary>
    private static readonly Gen<JsonNode?> Odd = Gen.OneOf(
        Gen.OneOf<JsonNode?>(
            null, "", " ", "%", "_", "9999-12-31", "2026-02-30", "0001-01-01", "Pacific Standard Time", "Mars/Olympus", "25:00", "9:5",
            "asap", "spread", "busy", "-1", "1e3", "NaN", "\u0000", "=HYPERLINK(1)", new string('x', 5000),
            0, -1, 6, int.MaxValue, long.MaxValue, 1.5, true, false),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray()),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonArray((JsonNode?)null)),
        Gen.Const(0).Select(_ => (JsonNode?)new JsonObject()),
        Gen.String[0, 40].Select(s => (JsonNode?)s),
        Gen.Int[-3, 8].Select(i => (JsonNode?)i),
        Gen.Int[-10, 2000].Select(d => (JsonNode?)DateTime.UtcNow.AddDays(d).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>A valid body with one to three of its fields removed or replaced (also inside <c>retry</c>).</summary>
    private static Gen<string> Mutated(Func<JsonObject> valid, params string[] fields) =>
        Gen.Select(Gen.Int[1, 3], Gen.Int[0, 1000].Array[3], Odd.Array[3], Gen.Int[0, 9], (count, picks, values, shape) =>
        {
            var body = valid();
            for (var i = 0; i < count; i++)
            {
                var field = fields[picks[i] % fields.Length];
                var (target, name) = field.StartsWith("retry.", StringComparison.Ordinal)
                    ? ((body["retry"] as JsonObject) ?? (JsonObject)(body["retry"] = new JsonObject()), field[6..])
                    : (body, field);
                if (picks[i] % 7 == 0) target.Remove(name);
                else target[name] = values[i]?.DeepClone();
            }

            var json = body.ToJsonString();
            return shape == 0 ? json[..(json.Length / 2)] : json; // now and then, cut short
        });

    [Fact]
    public async Task Creating_campaigns_from_generated_bodies_answers_2xx_with_a_campaign_or_4xx_with_nothing_written()
    {
        using var user = await NewUserAsync();
        var contacts = await user.CreateContactsAsync(2, numberBase: 3000);
        var gen = Mutated(() => new JsonObject
        {
            ["agentId"] = "sim-sales-agent",
            ["firstCallTime"] = "09:00",
            ["lastCallTime"] = "17:00",
            ["timeZone"] = "Europe/London",
            ["startDate"] = DateTime.UtcNow.AddDays(70).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            ["pacing"] = "spread",
            ["retry"] = new JsonObject { ["maxAttempts"] = 2, ["delayMinutes"] = 30, ["on"] = new JsonArray("busy") },
            ["name"] = "Generated",
            ["contactIds"] = new JsonArray(contacts[0], contacts[1]),
        }, "agentId", "firstCallTime", "lastCallTime", "timeZone", "startDate", "endDate", "pacing", "name", "description", "nextAction",
            "contactIds", "retry", "retry.maxAttempts", "retry.delayMinutes", "retry.on");

        await gen.SampleAsync(async body => await CheckWriteAsync(user, HttpMethod.Post, "api/campaigns", Json(body), "api/campaigns"),
            seed: Seed, iter: Cases, threads: 1);
    }

    [Fact]
    public async Task Editing_a_campaign_with_generated_bodies_never_fails_with_a_5xx_or_half_applies()
    {
        using var user = await NewUserAsync();
        var contacts = await user.CreateContactsAsync(1, numberBase: 3100);
        var id = (await user.CreateCampaignAsync(Scheduled(contacts)))["id"]!.GetValue<long>();
        var gen = Mutated(() => new JsonObject { ["name"] = "Edited" },
            "name", "description", "nextAction", "agentId", "firstCallTime", "lastCallTime", "timeZone", "startDate", "endDate", "pacing",
            "retry", "retry.maxAttempts", "retry.delayMinutes", "retry.on");

        await gen.SampleAsync(async body =>
        {
            var before = await user.GetCampaignAsync(id);
            var (status, answer) = await SendAsync(user, HttpMethod.Patch, $"api/campaigns/{id}", Json(body));
            var after = await user.GetCampaignAsync(id);
            if (status >= 400) Assert.Equal(Without(before), Without(after));
            else Assert.Equal((string?)answer!["name"], (string?)after["name"]);
            await ListsStillAnswerAsync(user);
        }, seed: Seed, iter: Cases, threads: 1);
    }

    [Fact]
    public async Task Creating_contacts_from_generated_bodies_answers_2xx_with_a_contact_or_4xx_with_nothing_written()
    {
        using var user = await NewUserAsync();
        var numbers = 0;
        var gen = Mutated(() => new JsonObject
        {
            ["name"] = "Gen",
            ["phoneNumber"] = $"+1415777{Interlocked.Increment(ref numbers) % 10000:D4}",
            ["email"] = "g@example.com",
            ["company"] = "Acme",
            ["customFields"] = new JsonObject { ["plan"] = "Pro" },
        }, "name", "phoneNumber", "email", "company", "customFields");

        await gen.SampleAsync(async body => await CheckWriteAsync(user, HttpMethod.Post, "api/contacts", Json(body), "api/contacts"),
            seed: Seed, iter: Cases, threads: 1);
    }

    [Fact]
    public async Task Listing_with_generated_query_strings_answers_200_or_a_400_with_a_detail()
    {
        using var user = await NewUserAsync();
        var value = Gen.OneOf(Gen.OneOf("", "0", "-1", "1", "2", "200", "201", "10000", "10001", "2147483647", "99999999999", "abc", "%25", "_", "%5C", "active", "queued"),
            Gen.Int.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), Gen.String[0, 10].Select(Uri.EscapeDataString));
        var gen = Gen.Select(Gen.OneOf("api/contacts", "api/campaigns"), Gen.OneOf("page", "pageSize", "search", "status").Array[1, 3], value.Array[3],
            (path, keys, values) => $"{path}?{string.Join('&', keys.Select((k, i) => $"{k}={values[i]}"))}");

        await gen.SampleAsync(async path =>
        {
            using var response = await user.Http.GetAsync(path, Cancel);
            var status = (int)response.StatusCode;
            Assert.True(status is 200 or 400, $"{path} answered {status}");
            if (status == 400) Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["detail"]), path);
        }, seed: Seed, iter: Cases, threads: 1);
    }

    [Fact]
    public async Task Importing_generated_files_and_form_fields_answers_201_with_a_campaign_or_4xx_with_nothing_written()
    {
        using var user = await NewUserAsync();
        var cell = Gen.OneOf(Gen.OneOf("", "+14155550142", "+14155550143", "12", "9.19E+11", "\"", "a,b", "=1+1", new string('z', 3000), "GB", "020 7946 0958"),
            Gen.String[0, 12]);
        var header = Gen.OneOf(Gen.OneOf("phone_number", "name", "email", "company", "country", "Mobile", "custom", ""), Gen.String[0, 8]);
        var csv = Gen.Select(header.Array[1, 6], cell.Array[0, 6].Array[0, 6], Gen.OneOf(",", ";", "\t"), (heads, rows, sep) =>
            string.Join(sep, heads) + "\n" + string.Join("\n", rows.Select(r => string.Join(sep, r))));
        var field = Gen.Select(Gen.OneOf("startDate", "endDate", "timeZone", "retry", "retry.maxAttempts", "retry.on", "pacing", "firstCallTime", "name"),
            Odd.Select(v => v is JsonValue j && j.TryGetValue<string>(out var s) ? s : v?.ToJsonString() ?? ""));
        var gen = Gen.Select(csv, field.Array[0, 3]);

        await gen.SampleAsync(async (file, fields) =>
        {
            var campaignsBefore = (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>();
            var contactsBefore = (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>();
            using var content = new MultipartFormDataContent();
            var bytes = new ByteArrayContent(Encoding.UTF8.GetBytes(file));
            bytes.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Add(bytes, "file", "generated.csv");
            var form = new Dictionary<string, string> { ["agentId"] = "sim-sales-agent", ["firstCallTime"] = "09:00", ["lastCallTime"] = "17:00" };
            foreach (var (name, value) in fields) form[name] = value;
            foreach (var (name, value) in form) content.Add(new StringContent(value), name);
            using var response = await user.Http.PostAsync("api/campaigns/import", content, Cancel);
            var text = await response.Content.ReadAsStringAsync(Cancel);
            var status = (int)response.StatusCode;
            Assert.True(status < 500, $"answered {status}: {text}\n{file}\n{string.Join(", ", fields)}");
            var campaignsAfter = (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>();
            if (status >= 400)
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)JsonNode.Parse(text)!["detail"]), text);
                Assert.Equal(campaignsBefore, campaignsAfter);
                Assert.Equal(contactsBefore, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
            }
            else
            {
                Assert.Equal(campaignsBefore + 1, campaignsAfter);
                Assert.True(JsonNode.Parse(text)!["import"]!["imported"]!.GetValue<int>() > 0, text);
            }

            await ListsStillAnswerAsync(user);
        }, seed: Seed, iter: Cases, threads: 1);
    }

    /// <summary>Sends the body; 2xx means one more in the listing at <paramref name="list"/>, 4xx (with a detail) means none.</summary>
    private static async Task CheckWriteAsync(CampaignsClient user, HttpMethod method, string path, HttpContent body, string list)
    {
        var before = (await user.GetAsync(list))["total"]!.GetValue<int>();
        var (status, _) = await SendAsync(user, method, path, body);
        var after = (await user.GetAsync(list))["total"]!.GetValue<int>();
        Assert.Equal(status < 300 ? before + 1 : before, after);
        await ListsStillAnswerAsync(user);
    }

    private static async Task<(int Status, JsonNode? Body)> SendAsync(CampaignsClient user, HttpMethod method, string path, HttpContent body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = body };
        using var response = await user.Http.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        var status = (int)response.StatusCode;
        var sent = await body.ReadAsStringAsync(Cancel);
        Assert.True(status < 500, $"{method} {path} answered {status}: {text}\nbody: {(sent.Length > 500 ? sent[..500] : sent)}");
        Assert.True(status is (>= 200 and < 300) or (>= 400 and < 500), $"{status}: {text}");
        var parsed = text.Length == 0 ? null : JsonNode.Parse(text);
        if (status >= 400) Assert.False(string.IsNullOrWhiteSpace((string?)parsed?["detail"]), $"no detail: {text}\nbody: {sent}");
        return (status, parsed);
    }

    private static async Task ListsStillAnswerAsync(CampaignsClient user)
    {
        await user.GetAsync("api/campaigns?pageSize=200");
        await user.GetAsync("api/contacts?pageSize=200");
    }

    private static string Without(JsonObject campaign)
    {
        var copy = campaign.DeepClone().AsObject();
        foreach (var moving in new[] { "nextCallAt", "estimatedCompletionAt", "updatedAt", "queuedCalls", "inProgressCalls", "completedCalls", "successfulCalls", "failedCalls" }) copy.Remove(moving);
        return copy.ToJsonString();
    }

    private static object Scheduled(long[] contacts) => new
    {
        agentId = "sim-sales-agent",
        firstCallTime = "09:00",
        lastCallTime = "17:00",
        startDate = DateTime.UtcNow.AddDays(60).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        contactIds = contacts,
    };

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private async Task<CampaignsClient> NewUserAsync()
    {
        using var admin = fixture.Node.Admin();
        return new CampaignsClient(fixture.Node.BaseUrl, await admin.CreateUserAsync($"p{Guid.NewGuid():N}"[..20], limit: 2));
    }
}
