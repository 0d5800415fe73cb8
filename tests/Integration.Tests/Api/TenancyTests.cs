using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>Invariant 7: a user never sees or changes another user's data; another user's ids answer 404.</summary>
public sealed class TenancyTests(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Every_route_answers_404_to_another_users_ids_and_changes_nothing()
    {
        using var admin = fixture.Node.Admin();
        using var alice = new CampaignsClient(fixture.Node.BaseUrl, await admin.CreateUserAsync($"a{Guid.NewGuid():N}"[..20], limit: 2));
        using var bob = new CampaignsClient(fixture.Node.BaseUrl, await admin.CreateUserAsync($"b{Guid.NewGuid():N}"[..20], limit: 2));
        var contacts = await alice.CreateContactsAsync(2, numberBase: 9100);
        var campaign = (await alice.CreateCampaignAsync(new
        {
            agentId = "sim-sales-agent", firstCallTime = "09:00", lastCallTime = "17:00", contactIds = contacts,
            startDate = DateTime.UtcNow.AddDays(3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        }))["id"]!.GetValue<long>();
        using var file = new MultipartFormDataContent { { new StringContent("phone\n+14165559199\n"), "file", "c.csv" } };
        using var imported = await alice.Http.PostAsync($"api/campaigns/{campaign}/contacts/import", file, Cancel);
        var import = (await imported.Content.ReadFromJsonAsync<JsonObject>(Cancel))!["importId"]!.GetValue<long>();
        var before = await SnapshotAsync(alice, campaign);

        var attempts = new (HttpMethod Method, string Path, HttpContent? Body)[]
        {
            (HttpMethod.Get, $"api/contacts/{contacts[0]}", null),
            (HttpMethod.Patch, $"api/contacts/{contacts[0]}", JsonContent.Create(new { name = "Mallory" })),
            (HttpMethod.Delete, $"api/contacts/{contacts[0]}", null),
            (HttpMethod.Get, $"api/campaigns/{campaign}", null),
            (HttpMethod.Patch, $"api/campaigns/{campaign}", JsonContent.Create(new { name = "Mallory's now" })),
            (HttpMethod.Post, $"api/campaigns/{campaign}/pause", null),
            (HttpMethod.Post, $"api/campaigns/{campaign}/resume", null),
            (HttpMethod.Post, $"api/campaigns/{campaign}/cancel", null),
            (HttpMethod.Delete, $"api/campaigns/{campaign}", null),
            (HttpMethod.Post, $"api/campaigns/{campaign}/contacts", JsonContent.Create(new { contactIds = contacts })),
            (HttpMethod.Post, $"api/campaigns/{campaign}/contacts/import", new MultipartFormDataContent { { new StringContent("phone\n+14165559198\n", Encoding.UTF8), "file", "c.csv" } }),
            (HttpMethod.Get, $"api/campaigns/{campaign}/queue", null),
            (HttpMethod.Get, $"api/campaigns/{campaign}/analytics", null),
            (HttpMethod.Get, $"api/campaigns/{campaign}/events", null),
            (HttpMethod.Get, $"api/imports/{import}", null),
            (HttpMethod.Get, $"api/imports/{import}/errors.csv", null),
        };
        foreach (var (method, path, body) in attempts)
        {
            using var request = new HttpRequestMessage(method, path) { Content = body };
            using var response = await bob.Http.SendAsync(request, Cancel);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}");
        }

        Assert.Equal(before, await SnapshotAsync(alice, campaign));
        Assert.Equal(0, (await bob.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await bob.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    private static async Task<string> SnapshotAsync(CampaignsClient owner, long campaign)
    {
        var state = await owner.GetCampaignAsync(campaign);
        state.Remove("updatedAt");
        state.Remove("nextCallAt");
        state.Remove("estimatedCompletionAt"); // moves with the clock
        var contacts = (await owner.GetAsync("api/contacts?pageSize=200"))["items"]!.ToJsonString();
        var items = string.Join(";", (await owner.ListItemsAsync(campaign)).Select(i => $"{i["id"]}:{i["status"]}:{i["phoneNumber"]}"));
        return $"{state.ToJsonString()}|{contacts}|{items}";
    }
}
