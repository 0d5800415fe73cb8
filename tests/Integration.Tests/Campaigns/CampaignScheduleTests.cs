using System.Text.Json.Nodes;
using CallCampaigns.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// When calls happen: windows across days, time zones and DST, start and end dates, with the node's clock set by
/// the test. Each test moves the clock and delivers the tick its campaign's timer or reminder would.
/// </summary>
public sealed class CampaignScheduleTests
{
    private static DateTimeOffset Utc(int month, int day, int hour, int minute = 0) => new(2026, month, day, hour, minute, 0, TimeSpan.Zero);

    private static object Campaign(
        long[] contacts, string first = "09:00", string last = "18:00", string zone = "Europe/London", string pacing = "asap",
        string? startDate = null, string? endDate = null, object? retry = null) => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = first,
        lastCallTime = last,
        timeZone = zone,
        pacing,
        startDate,
        endDate,
        retry,
        contactIds = contacts,
    };


    [Fact]
    public async Task A_call_due_at_17_55_happens_today_and_one_due_at_18_05_tomorrow_at_09_00()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(11, 25, 17, 55), userLimit: 2);
        var early = await node.ContactAsync();
        var beforeClose = await node.CampaignAsync(Campaign([early]));
        await node.AssertCalledAsync(beforeClose, early);

        node.Clock.SetUtcNow(Utc(11, 25, 18, 5));
        var late = await node.ContactAsync();
        var afterClose = await node.CampaignAsync(Campaign([late]));
        var waiting = await node.ItemAsync(afterClose, late);
        Assert.Equal("queued", waiting["status"]!.GetValue<string>());
        Assert.Equal("window-closed", waiting["waitingReason"]!["code"]!.GetValue<string>());
        Assert.Equal(Utc(11, 26, 9), CampaignsClient.Time(waiting["waitingReason"]!["until"]));
        Assert.Equal(Utc(11, 26, 9), CampaignsClient.Time(waiting["estimatedCallAt"]));
        Assert.Equal(Utc(11, 26, 9), CampaignsClient.Time((await node.User.GetCampaignAsync(afterClose))["nextCallAt"]));

        await node.AdvanceAndWakeAsync(Utc(11, 26, 8, 59), afterClose);
        Assert.Equal("queued", await node.ItemStatusAsync(afterClose, late));
        await node.AdvanceAndWakeAsync(Utc(11, 26, 9), afterClose);
        await node.AssertCalledAsync(afterClose, late);
        await node.DialsAsync(2);
    }

    [Theory]
    [InlineData("Europe/London", 3, 29, 8)] // the clocks go forward at 01:00 UTC: 09:00 is 08:00 UTC that day
    [InlineData("Europe/London", 10, 25, 9)] // and back at 01:00 UTC: 09:00 is 09:00 UTC again
    [InlineData("America/New_York", 3, 8, 13)] // 02:00 local becomes 03:00: 09:00 EDT is 13:00 UTC
    [InlineData("America/New_York", 11, 1, 14)] // 02:00 EDT becomes 01:00 EST: 09:00 EST is 14:00 UTC
    public async Task On_a_DST_change_day_a_09_00_window_opens_at_09_00_local_time(string zone, int month, int day, int utcHour)
    {
        await using var node = await ScheduledNode.StartAsync(Utc(month, day, utcHour - 1, 59));
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign([contact], zone: zone));
        var item = await node.ItemAsync(campaign, contact);
        Assert.Equal("queued", item["status"]!.GetValue<string>());
        Assert.Equal(Utc(month, day, utcHour), CampaignsClient.Time(item["estimatedCallAt"]));

        await node.AdvanceAndWakeAsync(Utc(month, day, utcHour), campaign);
        await node.AssertCalledAsync(campaign, contact);
    }

    [Fact]
    public async Task A_window_from_22_00_to_02_00_calls_after_midnight_and_waits_in_the_afternoon()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(11, 25, 14), userLimit: 2);
        var first = await node.ContactAsync();
        var second = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign([first, second], first: "22:00", last: "02:00"));
        var item = await node.ItemAsync(campaign, first);
        Assert.Equal(("window-closed", Utc(11, 25, 22)), (item["waitingReason"]!["code"]!.GetValue<string>(), CampaignsClient.Time(item["estimatedCallAt"])));
        Assert.Empty(node.Bolna.Calls);

        await node.AdvanceAndWakeAsync(Utc(11, 26, 1, 30), campaign);
        await node.DialsAsync(2);
    }

    [Fact]
    public async Task A_campaign_starting_on_a_later_day_is_scheduled_and_starts_by_itself()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(11, 25, 10));
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign([contact], startDate: "2026-11-27"));
        Assert.Equal("scheduled", (await node.User.GetCampaignAsync(campaign))["status"]!.GetValue<string>());
        var item = await node.ItemAsync(campaign, contact);
        Assert.Equal("scheduled", item["waitingReason"]!["code"]!.GetValue<string>());
        Assert.Equal(Utc(11, 27, 9), CampaignsClient.Time(item["waitingReason"]!["until"]));

        await node.AdvanceAndWakeAsync(Utc(11, 26, 10), campaign);
        Assert.Equal("scheduled", (await node.User.GetCampaignAsync(campaign))["status"]!.GetValue<string>());
        await node.AdvanceAndWakeAsync(Utc(11, 27, 9), campaign);
        Assert.Equal("active", (await node.User.GetCampaignAsync(campaign))["status"]!.GetValue<string>());
        await node.AssertCalledAsync(campaign, contact);
    }

    [Fact]
    public async Task When_the_end_date_has_passed_queued_items_end_cancelled_and_the_campaign_completes()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(11, 25, 17));
        var called = await node.ContactAsync();
        var waiting = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign([called, waiting], endDate: "2026-11-25"));
        var calls = await node.DialsAsync(1);
        Assert.Equal("user-limit", (await node.ItemAsync(campaign, waiting))["waitingReason"]!["code"]!.GetValue<string>());

        await node.AdvanceAndWakeAsync(Utc(11, 25, 18, 1), campaign);
        var cancelled = await node.ItemAsync(campaign, waiting);
        Assert.Equal(("cancelled", "campaign ended"), (cancelled["status"]!.GetValue<string>(), cancelled["failureReason"]!.GetValue<string>()));
        Assert.Equal("active", (await node.User.GetCampaignAsync(campaign))["status"]!.GetValue<string>()); // its call is still on the line

        node.Held.HangUp(calls[0]);
        var done = await node.User.WaitForCampaignAsync(campaign, c => c["status"]!.GetValue<string>() == "completed", TimeSpan.FromSeconds(15));
        Assert.Equal((1, 1), (done["completedCalls"]!.GetValue<int>(), done["cancelledCalls"]!.GetValue<int>()));
    }
}
