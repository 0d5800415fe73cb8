using System.Net;
using System.Net.Http.Json;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>Changing and deleting contacts, and a campaign's analytics, through HTTP on an embedded node.</summary>
public sealed class ContactAndAnalyticsTests(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    private EmbeddedNode Node => fixture.Node;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_contact_can_be_changed_but_not_onto_another_contacts_number()
    {
        using var user = await NewUserAsync();
        var ids = await user.CreateContactsAsync(2, numberBase: 8100);

        var changed = await user.SendAsync(HttpMethod.Patch, $"api/contacts/{ids[0]}", new { name = "Asha Rao", phoneNumber = "+1 416 555 8199", company = "Acme" });
        Assert.Equal("Asha Rao", (string?)changed["name"]);
        Assert.Equal("+14165558199", (string?)changed["phoneNumber"]);
        Assert.Equal("Acme", (string?)changed["company"]);

        using var clash = await user.Http.PatchAsJsonAsync($"api/contacts/{ids[1]}", new { phoneNumber = "+14165558199" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, clash.StatusCode);
        using var stranger = await NewUserAsync();
        using var notYours = await stranger.Http.PatchAsJsonAsync($"api/contacts/{ids[1]}", new { name = "Mallory" }, Cancel);
        Assert.Equal(HttpStatusCode.NotFound, notYours.StatusCode);
        Assert.Equal("Person 1", (string?)(await user.GetAsync($"api/contacts/{ids[1]}"))["name"]);
    }

    [Fact]
    public async Task Deleting_a_contact_cancels_its_waiting_item_with_a_reason_and_keeps_the_counters_right()
    {
        using var user = await NewUserAsync();
        var ids = await user.CreateContactsAsync(2, numberBase: 8200);
        var campaign = await user.CreateCampaignAsync(new
        {
            agentId = "sim-sales-agent", firstCallTime = "09:00", lastCallTime = "17:00",
            startDate = DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            contactIds = ids,
        });
        var id = campaign["id"]!.GetValue<long>();
        Assert.Equal("scheduled", (string?)campaign["status"]);

        using var stranger = await NewUserAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.DeleteAsync($"api/contacts/{ids[0]}", Cancel)).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await user.Http.DeleteAsync($"api/contacts/{ids[0]}", Cancel)).StatusCode);

        var after = await user.GetCampaignAsync(id);
        Assert.Equal(1, after["queuedCalls"]!.GetValue<int>());
        Assert.Equal(1, after["cancelledCalls"]!.GetValue<int>());
        var cancelled = Assert.Single(await user.ListItemsAsync(id), i => (string?)i["status"] == "cancelled");
        Assert.Equal("contact deleted", (string?)cancelled["failureReason"]);
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync($"api/contacts/{ids[0]}", Cancel)).StatusCode);
    }

    [Fact]
    public async Task Analytics_count_each_contact_once_and_add_up()
    {
        using var user = await NewUserAsync();
        var id = (await user.CreateCampaignAsync(EndToEnd.EmbeddedModeTests.AsapCampaign(await user.CreateContactsAsync(12, numberBase: 8300))))["id"]!.GetValue<long>();
        await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(90));
        // The simulator's 'completed' (with cost and duration) follows the line's end: wait until every call's has come.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        JsonObject analytics;
        while (!HasFinalData(analytics = await user.GetAsync($"api/campaigns/{id}/analytics")) && DateTime.UtcNow < deadline) await Task.Delay(100, Cancel);

        Assert.Equal(12, analytics["totalContacts"]!.GetValue<int>());
        Assert.Equal(12, analytics["completed"]!.GetValue<int>());
        Assert.Equal(12, analytics["successful"]!.GetValue<int>() + analytics["failed"]!.GetValue<int>());
        Assert.Equal(12, analytics["outcomes"]!.AsObject().Sum(o => o.Value!.GetValue<int>()));
        var hours = analytics["callsByHour"]!.AsArray();
        Assert.Equal(24, hours.Count);
        Assert.Equal(12, hours.Sum(h => h!["calls"]!.GetValue<int>()));
        Assert.Equal(analytics["successful"]!.GetValue<int>(), hours.Sum(h => h!["successful"]!.GetValue<int>()));
        var rate = analytics["successRate"]!.GetValue<double>();
        Assert.Equal(analytics["successful"]!.GetValue<int>() / 12.0, rate, 3);
        if (analytics["successful"]!.GetValue<int>() > 0)
        {
            Assert.True(analytics["totalCost"]!.GetValue<decimal>() > 0);
            Assert.True(analytics["averageDurationSeconds"]!.GetValue<double>() > 0);
        }

        Assert.Null(analytics["estimatedCompletionAt"]);
    }

    private static bool HasFinalData(JsonObject analytics) =>
        analytics["successful"]!.GetValue<int>() == 0 || (analytics["averageDurationSeconds"] is not null && analytics["totalCost"]!.GetValue<decimal>() > 0);

    private async Task<CampaignsClient> NewUserAsync()
    {
        using var admin = Node.Admin();
        return new CampaignsClient(Node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
    }
}
