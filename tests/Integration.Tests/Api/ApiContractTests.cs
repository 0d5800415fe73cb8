using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>The HTTP contract's basics: keys, tenancy, validation, health, and the webhook door.</summary>
public sealed class ApiContractTests(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    private EmbeddedNode Node => fixture.Node;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_api_route_needs_a_key_and_says_so_as_problem_details()
    {
        using var anonymous = new HttpClient { BaseAddress = Node.BaseUrl };
        using var response = await anonymous.GetAsync("api/me", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);

        using var wrong = new CampaignsClient(Node.BaseUrl, "not-a-key");
        using var refused = await wrong.Http.GetAsync("api/campaigns", Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
    }

    [Fact]
    public async Task Admin_routes_refuse_a_user_key()
    {
        using var user = new CampaignsClient(Node.BaseUrl, await NewUserAsync());
        using var response = await user.Http.GetAsync("api/admin/users", Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Another_users_campaign_and_contact_are_not_found()
    {
        using var owner = new CampaignsClient(Node.BaseUrl, await NewUserAsync());
        using var stranger = new CampaignsClient(Node.BaseUrl, await NewUserAsync());
        var contacts = await owner.CreateContactsAsync(1, numberBase: 7000);
        var campaign = await owner.CreateCampaignAsync(EndToEnd.EmbeddedModeTests.AsapCampaign(contacts));

        foreach (var path in new[] { $"api/campaigns/{campaign["id"]}", $"api/contacts/{contacts[0]}", $"api/campaigns/{campaign["id"]}/queue" })
        {
            using var response = await stranger.Http.GetAsync(path, Cancel);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }

        using var pause = await stranger.Http.PostAsync($"api/campaigns/{campaign["id"]}/pause", null, Cancel);
        Assert.Equal(HttpStatusCode.NotFound, pause.StatusCode);
        using var steal = await stranger.Http.PostAsJsonAsync("api/campaigns", EndToEnd.EmbeddedModeTests.AsapCampaign(contacts), Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, steal.StatusCode);
        Assert.Contains(contacts[0].ToString(System.Globalization.CultureInfo.InvariantCulture), await steal.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task A_bad_campaign_gets_every_problem_against_its_field()
    {
        using var user = new CampaignsClient(Node.BaseUrl, await NewUserAsync());
        using var response = await user.Http.PostAsJsonAsync("api/campaigns", new
        {
            agentId = "no-such-agent",
            firstCallTime = "25:00",
            lastCallTime = "18:00",
            timeZone = "Mars/Olympus",
            startDate = "2099-01-10",
            endDate = "2099-01-01",
            pacing = "whenever",
            retry = new { maxAttempts = 9 },
            contactIds = Array.Empty<long>(),
        }, Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        var errors = problem["errors"]!.AsObject();
        foreach (var field in new[] { "agentId", "firstCallTime", "timeZone", "pacing", "retry.maxAttempts", "contactIds" })
        {
            Assert.True(errors.ContainsKey(field), $"no error for {field}: {problem}");
        }
    }

    [Fact]
    public async Task An_invalid_phone_number_is_refused_and_a_known_one_names_the_existing_contact()
    {
        using var user = new CampaignsClient(Node.BaseUrl, await NewUserAsync());
        using var invalid = await user.Http.PostAsJsonAsync("api/contacts", new { phoneNumber = "12" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);

        var first = await user.PostAsync("api/contacts", new { phoneNumber = "(415) 555-0134" }, 201);
        Assert.Equal("+14155550134", (string?)first["phoneNumber"]);
        using var again = await user.Http.PostAsJsonAsync("api/contacts", new { phoneNumber = "+1 415 555 0134" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Equal(first["id"]!.GetValue<long>(), (await again.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["existingId"]!.GetValue<long>());
    }

    [Fact]
    public async Task Health_says_live_and_ready()
    {
        using var http = new HttpClient { BaseAddress = Node.BaseUrl };
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/ready", Cancel)).StatusCode);
    }

    [Fact]
    public async Task The_contract_metrics_and_an_interactive_page_are_served()
    {
        using var http = new HttpClient { BaseAddress = Node.BaseUrl };
        var openApi = await http.GetStringAsync("openapi/v1.json", Cancel);
        Assert.Contains("/api/campaigns/{id}/queue", openApi);
        Assert.Contains("/api/webhooks/bolna", openApi);
        var metrics = await http.GetStringAsync("metrics", Cancel);
        Assert.Contains("callcampaigns_slots_in_use", metrics);
        Assert.Contains("callcampaigns_queued_items", metrics);
        using var docs = await http.GetAsync("docs/", Cancel);
        Assert.Equal(HttpStatusCode.OK, docs.StatusCode);
    }

    [Fact]
    public async Task The_Orleans_dashboard_is_for_the_admin_only_and_a_browser_signs_in_with_the_admin_key()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Node.BaseUrl };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("dashboard/", Cancel)).StatusCode);
        using var user = new CampaignsClient(Node.BaseUrl, await NewUserAsync());
        Assert.Equal(HttpStatusCode.Forbidden, (await user.Http.GetAsync("dashboard/", Cancel)).StatusCode);
        using var admin = Node.Admin();
        Assert.Equal(HttpStatusCode.OK, (await admin.Http.GetAsync("dashboard/", Cancel)).StatusCode);

        using var wrong = await anonymous.PostAsync("dashboard-login", new FormUrlEncodedContent([new("key", "guess")]), Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var login = await anonymous.PostAsync("dashboard-login", new FormUrlEncodedContent([new("key", Node.AdminKey)]), Cancel);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        var cookie = login.Headers.GetValues("Set-Cookie").Single().Split(';')[0];
        Assert.DoesNotContain(Node.AdminKey, cookie, StringComparison.Ordinal);
        Assert.DoesNotContain(Uri.EscapeDataString(Node.AdminKey), cookie, StringComparison.Ordinal);
        using var request = new HttpRequestMessage(HttpMethod.Get, "dashboard/");
        request.Headers.Add("Cookie", cookie);
        using var page = await anonymous.SendAsync(request, Cancel);
        Assert.True(page.StatusCode == HttpStatusCode.OK, $"{page.StatusCode} with {cookie}");
    }

    [Fact]
    public async Task The_dashboard_cookie_is_a_session_id_so_a_cookie_holding_the_admin_key_itself_is_refused()
    {
        using var anonymous = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Node.BaseUrl };
        using var request = new HttpRequestMessage(HttpMethod.Get, "dashboard/");
        request.Headers.Add("Cookie", $"cc_admin={Uri.EscapeDataString(Node.AdminKey)}");
        using var page = await anonymous.SendAsync(request, Cancel);
        Assert.Equal(HttpStatusCode.Unauthorized, page.StatusCode);
    }

    [Theory]
    [InlineData(null, """{"id":"x","status":"completed"}""", HttpStatusCode.Unauthorized)]
    [InlineData("wrong", """{"id":"x","status":"completed"}""", HttpStatusCode.Unauthorized)]
    [InlineData("right", """not json""", HttpStatusCode.BadRequest)]
    [InlineData("right", """{"status":"completed"}""", HttpStatusCode.BadRequest)]
    [InlineData("right", """{"id":"unknown-execution","status":"completed"}""", HttpStatusCode.Accepted)]
    [InlineData("right", """{"execution_id":"unknown-execution","status":"canceled"}""", HttpStatusCode.Accepted)]
    public async Task Webhooks_need_the_secret_and_a_readable_body(string? token, string body, HttpStatusCode expected)
    {
        using var http = new HttpClient { BaseAddress = Node.BaseUrl };
        var secret = token == "right" ? Node.WebhookSecret : token;
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/webhooks/bolna")
        {
            Content = new StringContent(body, new MediaTypeHeaderValue("application/json")),
        };
        if (secret is not null) request.Headers.Add("X-Webhook-Token", secret);
        using var response = await http.SendAsync(request, Cancel);
        Assert.Equal(expected, response.StatusCode);
    }

    private async Task<string> NewUserAsync()
    {
        using var admin = Node.Admin();
        return await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2);
    }
}
