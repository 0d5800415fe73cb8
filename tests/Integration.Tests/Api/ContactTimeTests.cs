using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>
/// Contacts' own clocks through HTTP, on SQLite and PostgreSQL: zones and regions found from the number or given,
/// the campaign's <c>windowZone</c>, and the admin's calling rules.
/// </summary>
public sealed class ContactTimeTests(PostgresFixture postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_contact_gets_its_zone_and_region_from_its_number_unless_a_zone_is_given(string ledger)
    {
        using var data = new TempFolder();
        await using var node = await StartAsync(ledger, data);
        using var user = await NewUserAsync(node);

        var florida = await user.PostAsync("api/contacts", new { phoneNumber = "+13055550100" }, 201);
        Assert.Equal(("America/New_York", "US-FL"), ((string?)florida["timeZone"], (string?)florida["region"]));
        var dakota = await user.PostAsync("api/contacts", new { phoneNumber = "+16055550100" }, 201);
        Assert.Equal(["America/Denver", "America/North_Dakota/Center"], dakota["timeZones"]!.AsArray().Select(z => (string)z!));
        var unknown = await user.PostAsync("api/contacts", new { phoneNumber = "+18005550100" }, 201);
        Assert.Equal((null, "US"), ((string?)unknown["timeZone"], (string?)unknown["region"]));

        var given = await user.PostAsync("api/contacts", new { phoneNumber = "+81312345678", timeZone = "Asia/Seoul" }, 201);
        Assert.Equal(("Asia/Seoul", "JP"), ((string?)given["timeZone"], (string?)given["region"]));
        var id = given["id"]!.GetValue<long>();
        var renamed = await user.SendAsync(HttpMethod.Patch, $"api/contacts/{id}", new { name = "Kenji", phoneNumber = "+81312345679" });
        Assert.Equal("Asia/Seoul", (string?)renamed["timeZone"]); // a given zone stays when the number changes
        var reset = await user.SendAsync(HttpMethod.Patch, $"api/contacts/{id}", new { timeZone = "" });
        Assert.Equal("Asia/Tokyo", (string?)reset["timeZone"]);
        var moved = await user.SendAsync(HttpMethod.Patch, $"api/contacts/{id}", new { phoneNumber = "+442079460958" });
        Assert.Equal(("Europe/London", "GB"), ((string?)moved["timeZone"], (string?)moved["region"]));

        using var bad = await user.Http.PostAsJsonAsync("api/contacts", new { phoneNumber = "+442079460959", timeZone = "Mars/Olympus" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("timeZone", await bad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var badEdit = await user.Http.PatchAsJsonAsync($"api/contacts/{id}", new { timeZone = "Pacific Standard Time" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, badEdit.StatusCode);
        Assert.Equal("Europe/London", (string?)(await user.GetAsync($"api/contacts/{id}"))["timeZone"]);
        Assert.Equal(4, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_csv_time_zone_column_overrides_the_numbers_zone_and_a_bad_zone_fails_its_row(string ledger)
    {
        using var data = new TempFolder();
        await using var node = await StartAsync(ledger, data);
        using var user = await NewUserAsync(node);
        await user.PostAsync("api/contacts", new { name = "Known", phoneNumber = "+14155550100" }, 201);

        var (status, body) = await ImportAsync(user, "phone,time_zone\n+442079460958,\n+81312345678,America/New_York\n+12125550100,Nowhere/City\n+14155550100,America/Chicago\n");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(3, body["import"]!["imported"]!.GetValue<int>());
        var error = Assert.Single(body["import"]!["errors"]!.AsArray())!;
        Assert.Equal(3, error["row"]!.GetValue<int>());
        Assert.StartsWith("unknown time zone 'Nowhere/City'", (string?)error["reason"], StringComparison.Ordinal);
        var contacts = (await user.GetAsync("api/contacts?pageSize=200"))["items"]!.AsArray().ToDictionary(c => (string)c!["phoneNumber"]!, c => c!);
        Assert.Equal(("Europe/London", "GB"), ((string?)contacts["+442079460958"]["timeZone"], (string?)contacts["+442079460958"]["region"]));
        Assert.Equal(("America/New_York", "JP"), ((string?)contacts["+81312345678"]["timeZone"], (string?)contacts["+81312345678"]["region"]));
        Assert.Equal(("America/Chicago", "Known"), ((string?)contacts["+14155550100"]["timeZone"], (string?)contacts["+14155550100"]["name"]));
        Assert.False(contacts.ContainsKey("+12125550100"));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_campaign_reads_its_window_on_its_own_clock_unless_told_each_contacts(string ledger)
    {
        using var data = new TempFolder();
        await using var node = await StartAsync(ledger, data);
        using var user = await NewUserAsync(node);
        var start = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var contactIds = new[] { (await user.PostAsync("api/contacts", new { phoneNumber = "+442079460958" }, 201))["id"]!.GetValue<long>() };

        var plain = await user.CreateCampaignAsync(new { agentId = "sim-sales-agent", firstCallTime = "09:00", lastCallTime = "17:00", startDate = start, contactIds });
        Assert.Equal("campaign", (string?)plain["windowZone"]);
        var local = await user.CreateCampaignAsync(new { agentId = "sim-sales-agent", firstCallTime = "09:00", lastCallTime = "17:00", startDate = start, contactIds, windowZone = "Contact" });
        Assert.Equal("contact", (string?)local["windowZone"]);
        var id = local["id"]!.GetValue<long>();
        Assert.Equal("campaign", (string?)(await user.SendAsync(HttpMethod.Patch, $"api/campaigns/{id}", new { windowZone = "campaign" }))["windowZone"]);
        Assert.Equal("campaign", (string?)(await user.SendAsync(HttpMethod.Patch, $"api/campaigns/{id}", new { name = "Renamed" }))["windowZone"]);

        using var bad = await user.Http.PostAsJsonAsync("api/campaigns", new { agentId = "sim-sales-agent", firstCallTime = "09:00", lastCallTime = "17:00", startDate = start, contactIds, windowZone = "moon" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("windowZone", await bad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var badEdit = await user.Http.PatchAsJsonAsync($"api/campaigns/{id}", new { windowZone = "moon" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, badEdit.StatusCode);
        Assert.Equal(2, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_admin_sees_the_shipped_calling_rules_and_replaces_them_with_a_valid_list_only(string ledger)
    {
        using var data = new TempFolder();
        await using var node = await StartAsync(ledger, data);
        using var admin = node.Admin();

        var shipped = (await admin.GetAsync("api/admin/calling-rules"))["items"]!.AsArray();
        Assert.Equal(
            ["US 08:00-21:00", "US-FL 08:00-20:00", "IN 09:00-21:00"],
            shipped.Select(rule => $"{rule!["region"]} {rule["from"]}-{rule["to"]}"));

        var replaced = (await admin.SendAsync(HttpMethod.Put, "api/admin/calling-rules", new object[]
        {
            new { region = "us", from = "08:00", to = "21:00" },
            new { id = "la-sunday", region = "US-LA", from = "12:30", to = "17:00", days = new[] { "sun", "Sun" } },
            new { region = "US", from = "09:00", to = "20:00", days = new[] { "sat" } },
        }))["items"]!.AsArray();
        Assert.Equal(["us", "la-sunday", "us-2"], replaced.Select(rule => (string)rule!["id"]!));
        Assert.Equal(["sun"], replaced[1]!["days"]!.AsArray().Select(day => (string)day!));
        Assert.Null(replaced[0]!["days"]);

        foreach (var bad in new object[]
                 {
                     new object[] { new { region = "USA", from = "08:00", to = "21:00" } },
                     new object[] { new { region = "US", from = "8:00", to = "21:00" } },
                     new object[] { new { region = "US", from = "08:00", to = "24:00" } },
                     new object[] { new { region = "US", from = "08:00", to = "21:00", days = new[] { "funday" } } },
                     new object[] { new { region = "US", from = "08:00", to = "21:00", days = Array.Empty<string>() } },
                     new object[] { new { id = "x", region = "US", from = "08:00", to = "21:00" }, new { id = "X", region = "IN", from = "08:00", to = "21:00" } },
                     new { region = "US" },
                 })
        {
            using var response = await admin.Http.PutAsJsonAsync("api/admin/calling-rules", bad, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }

        Assert.Equal(3, (await admin.GetAsync("api/admin/calling-rules"))["items"]!.AsArray().Count);
        using var user = await NewUserAsync(node);
        using var forbidden = await user.Http.GetAsync("api/admin/calling-rules", Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    private async Task<EmbeddedNode> StartAsync(string ledger, TempFolder data) =>
        ledger == "postgres"
            ? await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("tz"),
                ["Auth:AdminKey"] = "tz-admin",
                ["Bolna:WebhookSecret"] = "tz",
            })
            : await EmbeddedNode.StartAsync(data.Path);

    private static async Task<CampaignsClient> NewUserAsync(EmbeddedNode node)
    {
        using var admin = node.Admin();
        return new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
    }

    private static async Task<(HttpStatusCode Status, System.Text.Json.Nodes.JsonObject Body)> ImportAsync(CampaignsClient user, string csv)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var content = new MultipartFormDataContent { { file, "file", "contacts.csv" } };
        content.Add(new StringContent("sim-sales-agent"), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        content.Add(new StringContent(DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "startDate");
        using var response = await user.Http.PostAsync("api/campaigns/import", content, Cancel);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>(Cancel))!);
    }
}
