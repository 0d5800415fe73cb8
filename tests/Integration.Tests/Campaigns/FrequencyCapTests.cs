using System.Net;
using System.Net.Http.Json;
using CallCampaigns.Integration.Tests.Infrastructure;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>The frequency cap: per number over all of a user's campaigns, rolling, enforced inside the claim.</summary>
public sealed class FrequencyCapTests(PostgresFixture postgres)
{
    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object AllDay(params long[] contacts) =>
        new { agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", timeZone = "UTC", pacing = "asap", contactIds = contacts };

    [Fact]
    public async Task A_number_called_once_under_a_cap_of_one_a_day_waits_in_its_other_campaign_until_a_day_after_the_first_dial()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2);
        using (var admin = node.Node.Admin())
        {
            var system = await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { callCap = new { maxCalls = 1, perHours = 24 } });
            Assert.Equal(1, system["callCap"]!["maxCalls"]!.GetValue<int>());
            Assert.Equal(10, system["systemConcurrentCallsLimit"]!.GetValue<int>()); // left as it was
        }

        var priya = await node.ContactAsync("Priya");
        var first = await node.CampaignAsync(AllDay(priya));
        await node.AssertCalledAsync(first, priya);
        node.Held.HangUpAll();

        node.Clock.SetUtcNow(Utc(25, 11));
        var second = await node.CampaignAsync(AllDay(priya));
        var waiting = await node.ItemAsync(second, priya);
        Assert.Equal("queued", (string?)waiting["status"]);
        Assert.Equal("frequency-cap", (string?)waiting["waitingReason"]!["code"]);
        Assert.Equal(Utc(26, 10), CampaignsClient.Time(waiting["waitingReason"]!["until"]));
        Assert.Equal(Utc(26, 10), CampaignsClient.Time(waiting["estimatedCallAt"]));

        await node.AdvanceAndWakeAsync(Utc(26, 9, 59), second);
        Assert.Equal("queued", await node.ItemStatusAsync(second, priya));
        await node.AdvanceAndWakeAsync(Utc(26, 10), second);
        await node.DialsAsync(2); // counted at the fake Bolna: the lines of the first call are hung up, so this one may be over already
    }

    [Fact]
    public async Task Counted_dials_older_than_the_longest_cap_window_are_swept_and_recent_ones_kept()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(1, 10));
        var contact = await node.ContactAsync("Priya");
        var old = await node.CampaignAsync(AllDay(contact));
        await node.AssertCalledAsync(old, contact);
        node.Held.HangUpAll();
        node.Clock.SetUtcNow(Utc(20, 10));
        await node.CampaignAsync(AllDay(contact));
        await node.DialsAsync(2);
        node.Held.HangUpAll();
        var retention = node.Node.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CallCampaigns.Grains.Calls.LedgerRetention>().Single();

        node.Clock.SetUtcNow(Utc(30, 10)); // 29 days after the first dial: a cap of 744 hours still counts it
        Assert.Equal(0, (await retention.SweepAsync(Cancel)).Dials);
        node.Clock.SetUtcNow(Utc(30, 10).AddDays(3)); // 32 days after the first, 13 after the second
        Assert.Equal(1, (await retention.SweepAsync(Cancel)).Dials);

        await using var connection = await node.Node.Services.GetRequiredService<LedgerDatabase>().OpenAsync(Cancel);
        var kept = await connection.QuerySingleAsync<long>("SELECT dialled_at FROM number_dials");
        Assert.Equal(Utc(20, 10), UnixMs.ToTime(kept));
    }

    [Fact]
    public async Task A_users_own_cap_replaces_the_systems_and_null_gives_it_back()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2);
        using var admin = node.Node.Admin();
        await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { callCap = new { maxCalls = 1, perHours = 24 } });
        var own = await admin.SendAsync(HttpMethod.Put, "api/admin/users/planner/limits", new { callCap = new { maxCalls = 2, perHours = 1 } });
        Assert.Equal((2, 1), (own["callCap"]!["maxCalls"]!.GetValue<int>(), own["callCap"]!["perHours"]!.GetValue<int>()));
        Assert.Equal(2, own["concurrentCallsLimit"]!.GetValue<int>()); // left as it was
        Assert.Equal(2, (await node.User.GetAsync("api/me"))["callCap"]!["maxCalls"]!.GetValue<int>()); // the user sees the cap that applies

        var priya = await node.ContactAsync("Priya");
        await node.AssertCalledAsync(await node.CampaignAsync(AllDay(priya)), priya);
        node.Held.HangUpAll();
        await node.CampaignAsync(AllDay(priya));
        await node.DialsAsync(2); // two an hour for this user

        Assert.Null((await admin.SendAsync(HttpMethod.Put, "api/admin/users/planner/limits", new { callCap = (object?)null }))["callCap"]);
        Assert.Equal(24, (await node.User.GetAsync("api/me"))["callCap"]!["perHours"]!.GetValue<int>()); // the system's again
        using var bad = await admin.Http.PutAsJsonAsync("api/admin/system", new { callCap = new { maxCalls = 0, perHours = 24 } }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("maxCalls", await bad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        using var empty = await admin.Http.PutAsJsonAsync("api/admin/users/planner/limits", new { }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
    }

    [Fact]
    public async Task Two_claims_of_one_capped_number_at_the_same_instant_on_PostgreSQL_never_both_dial()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("cap"),
            ["Auth:AdminKey"] = "cap-admin",
            ["Bolna:WebhookSecret"] = "cap",
        });
        using var admin = node.Admin();
        await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { callCap = new { maxCalls = 1, perHours = 24 } });
        using var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("racer", limit: 10));
        var later = DateTime.UtcNow.AddHours(2);
        var contact = (await user.PostAsync("api/contacts", new { phoneNumber = "+14165550120" }, 201))["id"]!.GetValue<long>();
        var database = node.Services.GetRequiredService<LedgerDatabase>();
        var queue = node.Services.GetRequiredService<QueueStore>();
        for (var round = 0; round < 10; round++)
        {
            // Two campaigns that wait (their window opens later), each holding the number: the test claims for them.
            var items = new List<(long Campaign, long Item)>();
            for (var i = 0; i < 2; i++)
            {
                var campaign = (await user.CreateCampaignAsync(new
                {
                    agentId = "sim-sales-agent", timeZone = "UTC", pacing = "asap", contactIds = new[] { contact },
                    firstCallTime = later.ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture),
                    lastCallTime = later.AddHours(1).ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture),
                }))["id"]!.GetValue<long>();
                items.Add((campaign, Assert.Single(await user.ListItemsAsync(campaign))["id"]!.GetValue<long>()));
            }

            await using (var connection = await database.OpenAsync())
            {
                await connection.ExecuteAsync("DELETE FROM number_dials");
            }

            var now = UnixMs.From(DateTimeOffset.UtcNow);
            var claims = await Task.WhenAll(items.Select(async pair =>
            {
                await using var connection = await database.OpenAsync();
                var lease = await connection.ExecuteScalarAsync<long>(
                    "INSERT INTO slot_leases (user_id, granted_at, expires_at) VALUES ('racer', 0, @far) RETURNING id", new { far = long.MaxValue / 2 });
                return await queue.ClaimAsync(pair.Campaign, pair.Item, lease, now, long.MaxValue / 2);
            }));

            Assert.Single(claims, c => c.Item is not null);
            var capped = Assert.Single(claims, c => c.Item is null);
            Assert.Equal(now + (long)TimeSpan.FromHours(24).TotalMilliseconds, capped.CappedUntil);
        }
    }
}
