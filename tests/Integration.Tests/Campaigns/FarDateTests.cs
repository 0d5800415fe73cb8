using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CallCampaigns.Grains.Abstractions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// Dates far ahead: any date the contract accepts (up to five years ahead) gives a scheduled campaign whose timers and
/// reminders are armed in steps Orleans accepts; a date beyond that is refused up front and nothing is written.
/// </summary>
public sealed class FarDateTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static string Ahead(int days) => Now.AddDays(days).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static object Campaign(long[] contacts, string? startDate, string? endDate = null, string agentId = FakeBolna.AgentId) => new
    {
        agentId,
        firstCallTime = "09:00",
        lastCallTime = "17:00",
        timeZone = "UTC",
        startDate,
        endDate,
        contactIds = contacts,
    };

    [Theory]
    [InlineData(60)]
    [InlineData(400)]
    [InlineData(5 * 365)]
    public async Task A_campaign_starting_months_or_years_ahead_is_created_scheduled_and_the_list_still_answers(int days)
    {
        await using var node = await ScheduledNode.StartAsync(Now);
        var contact = await node.ContactAsync();

        var created = await node.User.CreateCampaignAsync(Campaign([contact], Ahead(days)));

        Assert.Equal("scheduled", (string?)created["status"]);
        Assert.Equal(Now.Date.AddDays(days).AddHours(9), CampaignsClient.Time(created["nextCallAt"])!.Value.UtcDateTime);
        var list = await node.User.GetAsync("api/campaigns");
        Assert.Equal(1, list["total"]!.GetValue<int>());
        Assert.Equal(1, list["counts"]!["scheduled"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("9999-12-31", null, "startDate")]
    [InlineData("2031-11-26", null, "startDate")]
    [InlineData(null, "9999-12-31", "endDate")]
    public async Task A_date_beyond_five_years_ahead_is_refused_and_nothing_is_written(string? startDate, string? endDate, string field)
    {
        await using var node = await ScheduledNode.StartAsync(Now);
        var contact = await node.ContactAsync();

        var refused = await node.User.PostAsync("api/campaigns", Campaign([contact], startDate, endDate), 400);

        Assert.Contains("5 years", (string?)refused["detail"]);
        Assert.NotNull(refused["errors"]![field]);
        Assert.Equal(0, (await node.User.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_csv_import_starting_two_months_ahead_answers_201_with_a_scheduled_campaign()
    {
        await using var node = await ScheduledNode.StartAsync(Now);
        using var content = new MultipartFormDataContent();
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes("name,phone_number\nAsha,+14165550101\n"));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(file, "file", "contacts.csv");
        content.Add(new StringContent(FakeBolna.AgentId), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        content.Add(new StringContent(Ahead(60)), "startDate");

        using var response = await node.User.Http.PostAsync("api/campaigns/import", content, Cancel);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var body = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        Assert.Equal("scheduled", (string?)body["campaign"]!["status"]);
        Assert.Equal(1, (await node.User.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_campaign_two_months_ahead_can_be_edited_given_contacts_paused_and_resumed()
    {
        await using var node = await ScheduledNode.StartAsync(Now);
        var id = await node.CampaignAsync(Campaign([await node.ContactAsync()], Ahead(60)));

        var edited = await node.User.SendAsync(HttpMethod.Patch, $"api/campaigns/{id}", new { name = "Renamed", endDate = Ahead(90) });
        Assert.Equal("Renamed", (string?)edited["name"]);
        var added = await node.User.PostAsync($"api/campaigns/{id}/contacts", new { contactIds = new[] { await node.ContactAsync() } });
        Assert.Equal(1, added["added"]!.GetValue<int>());
        Assert.Equal("paused", (string?)(await node.User.PostAsync($"api/campaigns/{id}/pause", null))["status"]);
        Assert.Equal("scheduled", (string?)(await node.User.PostAsync($"api/campaigns/{id}/resume", null))["status"]);
        Assert.Equal(2, (await node.User.GetCampaignAsync(id))["totalContacts"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_campaign_scheduled_months_ahead_is_woken_again_after_a_restart()
    {
        using var data = new TempFolder();
        var clock = new FakeTimeProvider(Now);
        long id;
        string key;
        await using (var first = await EmbeddedNode.StartAsync(data.Path, time: clock))
        {
            using var admin = first.Admin();
            key = await admin.CreateUserAsync("far", 1);
            using var user = new CampaignsClient(first.BaseUrl, key);
            var contacts = await user.CreateContactsAsync(1);
            id = (await user.CreateCampaignAsync(Campaign(contacts, Ahead(120), agentId: "sim-sales-agent")))["id"]!.GetValue<long>();
        }

        await using var second = await EmbeddedNode.StartAsync(data.Path, time: clock);
        await second.Services.GetRequiredService<IGrainFactory>().GetGrain<ICampaignGrain>(id).Wake();
        using var again = new CampaignsClient(second.BaseUrl, key);
        Assert.Equal("scheduled", (string?)(await again.GetCampaignAsync(id))["status"]);
        Assert.Equal(1, (await again.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
    }
}
