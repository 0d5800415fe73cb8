using CallCampaigns.Integration.Tests.Campaigns;

namespace CallCampaigns.Integration.Tests.Calls;

/// <summary>Calls Bolna accepted but never started: stopped there before their slot is reused, on the engine's clock.</summary>
public sealed class StoppedCallTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static object Campaign(params long[] contacts) => new
    {
        agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = contacts,
    };

    [Fact]
    public async Task A_call_given_up_after_two_hours_without_news_is_stopped_at_Bolna_before_its_slot_is_freed()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.Script = _ => []; // accepted, then silence: it stays queued at Bolna
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign(contact));
        var call = (await node.DialsAsync(1))[0];
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["callId"] is not null); // its answer is recorded

        node.Clock.SetUtcNow(Noon.AddMinutes(16)); // the lease runs out: Bolna is asked, and still says queued
        await Task.Delay(1000);
        Assert.Equal("dialing", (string?)(await node.ItemAsync(campaign, contact))["status"]);
        node.Clock.SetUtcNow(Noon.AddHours(2).AddMinutes(20));
        await Eventually.HoldsAsync(async () => (string?)(await node.ItemAsync(campaign, contact))["status"] == "failed");

        Assert.Equal("no-news", (string?)(await node.ItemAsync(campaign, contact))["outcome"]);
        Assert.Contains(call.ExecutionId, node.Bolna.Stopped);
        using var admin = node.Node.Admin();
        Assert.Equal(0, (await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task Pausing_a_campaign_stops_its_calls_still_queued_at_Bolna_and_they_wait_for_the_resume_uncounted()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.Script = _ => [];
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign(contact));
        var call = (await node.DialsAsync(1))[0];
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["callId"] is not null);

        await node.User.PostAsync($"api/campaigns/{campaign}/pause", null);
        await Eventually.HoldsAsync(() => Task.FromResult(node.Bolna.Stopped.Contains(call.ExecutionId)));
        (await node.Bolna.PostWebhookAsync(node.Bolna.WebhookBody(call, "stopped"))).Dispose(); // as Bolna reports the stop
        await Eventually.HoldsAsync(async () => (string?)(await node.ItemAsync(campaign, contact))["status"] == "queued");
        Assert.Equal(0, (await node.ItemAsync(campaign, contact))["attempts"]!.GetValue<int>());

        node.Bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(50));
        await node.User.PostAsync($"api/campaigns/{campaign}/resume", null);
        await node.DialsAsync(2);
        var done = await node.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));
        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
    }
}
