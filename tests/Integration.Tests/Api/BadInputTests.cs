using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>Bad input answers 4xx with a problem's <c>detail</c> (and an <c>errors</c> map), and writes nothing.</summary>
public sealed class BadInputTests(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    private EmbeddedNode Node => fixture.Node;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object Campaign(long[] contacts, object? retry = null, string zone = "UTC") => new
    {
        agentId = "sim-sales-agent",
        firstCallTime = "09:00",
        lastCallTime = "17:00",
        timeZone = zone,
        startDate = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        retry,
        contactIds = contacts,
    };

    [Fact]
    public async Task Retry_on_with_a_null_outcome_is_a_400_on_create_patch_and_import_and_nothing_is_written()
    {
        using var user = await NewUserAsync();
        var contacts = await user.CreateContactsAsync(1);
        var retry = new { maxAttempts = 2, on = new string?[] { null } };

        await AssertProblemAsync(await SendJsonAsync(user, HttpMethod.Post, "api/campaigns", Campaign(contacts, retry)), 400, "retry.on");
        var id = (await user.CreateCampaignAsync(Campaign(contacts)))["id"]!.GetValue<long>();
        await AssertProblemAsync(await SendJsonAsync(user, HttpMethod.Patch, $"api/campaigns/{id}", new { name = "Renamed", retry }), 400, "retry.on");
        await AssertProblemAsync(await ImportAsync(user, "phone_number\n+14165550101\n", ("retry", "{\"maxAttempts\":2,\"on\":[null]}")), 400, "retry.on");

        var list = await user.GetAsync("api/campaigns");
        Assert.Equal(1, list["total"]!.GetValue<int>());
        Assert.NotEqual("Renamed", (string?)list["items"]![0]!["name"]);
    }

    [Fact]
    public async Task Retries_allowed_with_an_empty_outcome_list_are_refused_because_they_could_never_happen()
    {
        using var user = await NewUserAsync();
        var contacts = await user.CreateContactsAsync(1);
        await AssertProblemAsync(await SendJsonAsync(user, HttpMethod.Post, "api/campaigns", Campaign(contacts, new { maxAttempts = 3, on = Array.Empty<string>() })), 400, "retry.on");
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("retry.maxAttempts", "three")]
    [InlineData("retry.delayMinutes", "1e3")]
    [InlineData("retry", "{not json")]
    public async Task A_retry_form_field_that_is_not_what_it_should_be_is_a_400_and_no_campaign_is_created(string field, string value)
    {
        using var user = await NewUserAsync();
        await AssertProblemAsync(await ImportAsync(user, "phone_number\n+14165550102\n", (field, value)), 400, field);
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_start_date_in_a_patch_is_refused_when_it_differs_and_accepted_when_it_repeats_the_current_one()
    {
        using var user = await NewUserAsync();
        var created = await user.CreateCampaignAsync(Campaign(await user.CreateContactsAsync(1)));
        var id = created["id"]!.GetValue<long>();
        var start = (string)created["startDate"]!;

        await AssertProblemAsync(await SendJsonAsync(user, HttpMethod.Patch, $"api/campaigns/{id}", new { name = "Moved", startDate = "2030-01-01" }), 400, "startDate");
        Assert.Equal(start, (string?)(await user.GetCampaignAsync(id))["startDate"]);
        var same = await user.SendAsync(HttpMethod.Patch, $"api/campaigns/{id}", new { name = "Same start", startDate = start });
        Assert.Equal("Same start", (string?)same["name"]);
    }

    [Theory]
    [InlineData("Pacific Standard Time")]
    [InlineData("GMT Standard Time")]
    public async Task A_windows_time_zone_id_is_refused_where_an_iana_name_is_required(string zone)
    {
        using var user = await NewUserAsync();
        await AssertProblemAsync(await SendJsonAsync(user, HttpMethod.Post, "api/campaigns", Campaign(await user.CreateContactsAsync(1), zone: zone)), 400, "timeZone");
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_multipart_body_without_a_boundary_or_cut_short_is_a_400_on_both_import_routes()
    {
        using var user = await NewUserAsync();
        var id = (await user.CreateCampaignAsync(Campaign(await user.CreateContactsAsync(1))))["id"]!.GetValue<long>();
        foreach (var path in new[] { "api/campaigns/import", $"api/campaigns/{id}/contacts/import" })
        {
            using var noBoundary = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nphone\r\n--x--\r\n"));
            noBoundary.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data");
            await AssertProblemAsync(await user.Http.PostAsync(path, noBoundary, Cancel), 400, "file");

            using var truncated = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nphone_number\r\n+1416555"));
            truncated.Headers.TryAddWithoutValidation("Content-Type", "multipart/form-data; boundary=x");
            await AssertProblemAsync(await user.Http.PostAsync(path, truncated, Cancel), 400, "file");
        }

        Assert.Equal(1, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
        Assert.Equal(1, (await user.GetCampaignAsync(id))["totalContacts"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_json_body_to_the_dashboard_login_is_a_400()
    {
        using var anonymous = new HttpClient { BaseAddress = Node.BaseUrl };
        using var response = await anonymous.PostAsJsonAsync("dashboard-login", new { key = "x" }, Cancel);
        await AssertProblemAsync(response, 400, field: null);
    }

    [Fact]
    public async Task A_multipart_body_without_its_boundary_to_the_dashboard_login_is_a_400()
    {
        // Found by the route properties (RouteProperties): it answered 500.
        using var anonymous = new HttpClient { BaseAddress = Node.BaseUrl };
        using var content = new StringContent("key=x", Encoding.UTF8);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data");
        using var response = await anonymous.PostAsync("dashboard-login", content, Cancel);
        await AssertProblemAsync(response, 400, field: null);
    }

    [Fact]
    public async Task An_unknown_import_status_in_the_list_of_imports_is_a_400_with_a_detail()
    {
        // Found by the route properties (RouteProperties): the 400 had an errors map but no detail.
        using var user = await NewUserAsync();
        using var response = await user.Http.GetAsync("api/imports?status=paused", Cancel);
        await AssertProblemAsync(response, 400, "status");
    }

    [Theory]
    [InlineData("phone_number\n12\n\n")]
    [InlineData("name,phone_number\nNo number,\nAlso none,\n")]
    [InlineData("phone_number\nnot a number\n")]
    public async Task An_import_with_no_callable_row_is_refused_whole_and_leaves_no_campaign_behind(string csv)
    {
        using var user = await NewUserAsync();
        var response = await ImportAsync(user, csv);
        var problem = await AssertProblemAsync(response, 400, "file");
        Assert.Contains("no campaign was created", (string?)problem["detail"]);
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("{\"agentId\": ", "agentId")]
    [InlineData("{\"agentId\": \"sim-sales-agent\", \"retry\": {\"maxAttempts\": \"three\"}}", "retry.maxAttempts")]
    [InlineData("{\"agentId\": \"sim-sales-agent\", \"contactIds\": \"all\"}", "contactIds")]
    [InlineData("[1, 2]", "body")]
    public async Task Bad_json_and_wrong_types_answer_400_with_a_detail_and_an_errors_map(string json, string field)
    {
        using var user = await NewUserAsync();
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        await AssertProblemAsync(await user.Http.PostAsync("api/campaigns", content, Cancel), 400, field);
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("api/contacts?page=2147483647")]
    [InlineData("api/campaigns?page=2147483647&pageSize=200")]
    [InlineData("api/contacts?page=abc")]
    [InlineData("api/contacts?pageSize=99999999999")]
    public async Task A_page_out_of_range_or_not_a_number_is_a_400_instead_of_wrapping_around(string path)
    {
        using var user = await NewUserAsync();
        await AssertProblemAsync(await user.Http.GetAsync(path, Cancel), 400, field: null);
    }

    [Fact]
    public async Task Percent_and_underscore_in_a_contact_search_match_themselves_only()
    {
        using var user = await NewUserAsync();
        await user.PostAsync("api/contacts", new { name = "Ann", phoneNumber = "+14165550111" }, 201);
        await user.PostAsync("api/contacts", new { name = "100% Bob", phoneNumber = "+14165550112" }, 201);
        await user.PostAsync("api/contacts", new { name = "Cy_Dee", phoneNumber = "+14165550113" }, 201);

        Assert.Equal(["100% Bob"], await NamesAsync(user, "%25"));
        Assert.Equal(["Cy_Dee"], await NamesAsync(user, "_"));
        Assert.Empty(await NamesAsync(user, "%5C"));
    }

    private static async Task<string[]> NamesAsync(CampaignsClient user, string search) =>
        (await user.GetAsync($"api/contacts?search={search}"))["items"]!.AsArray().Select(c => (string)c!["name"]!).ToArray();

    /// <summary>Asserts the status, a problem's detail, and (when a field is named) that the errors map names it.</summary>
    private static async Task<JsonObject> AssertProblemAsync(HttpResponseMessage response, int status, string? field)
    {
        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(status == (int)response.StatusCode, $"Expected {status}, got {(int)response.StatusCode}: {text}");
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            var problem = JsonNode.Parse(text)!.AsObject();
            Assert.False(string.IsNullOrWhiteSpace((string?)problem["detail"]), text);
            if (field is not null) Assert.True(problem["errors"]?[field] is not null, $"No error for {field}: {text}");
            return problem;
        }
    }

    private static async Task<HttpResponseMessage> SendJsonAsync(CampaignsClient user, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        return await user.Http.SendAsync(request, Cancel);
    }

    private static async Task<HttpResponseMessage> ImportAsync(CampaignsClient user, string csv, params (string Name, string Value)[] fields)
    {
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "contacts.csv");
        content.Add(new StringContent("sim-sales-agent"), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        foreach (var (name, value) in fields) content.Add(new StringContent(value), name);
        return await user.Http.PostAsync("api/campaigns/import", content, Cancel);
    }

    private async Task<CampaignsClient> NewUserAsync()
    {
        using var admin = Node.Admin();
        return new CampaignsClient(Node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
    }
}
