using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Integration.Tests.Campaigns;
using Microsoft.Extensions.DependencyInjection;

namespace CallCampaigns.Integration.Tests.Calls;

/// <summary>A dial Bolna answered with a 5xx while its executions cannot be searched: nobody is called twice, on the engine's clock.</summary>
public sealed class UnknownDialTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_dial_whose_fate_Bolna_cannot_show_holds_its_slot_is_never_dialled_again_and_fails_dial_unknown_after_30_minutes()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.RefuseWith = _ => 500;
        node.Bolna.SearchStatus = 500;
        var contact = await node.ContactAsync("Meera");
        var campaign = await node.CampaignAsync(new
        {
            agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = new[] { contact },
        });
        await node.DialsAsync(1);
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["waitingReason"] is not null);

        var unknown = await node.ItemAsync(campaign, contact);
        Assert.Equal("dialing", (string?)unknown["status"]);
        Assert.Equal("dial-unknown", (string?)unknown["waitingReason"]!["code"]);
        Assert.Equal(Noon.AddSeconds(10), CampaignsClient.Time(unknown["waitingReason"]!["until"]));

        for (var minutes = 1; minutes <= 29; minutes += 4)
        {
            node.Clock.SetUtcNow(Noon.AddMinutes(minutes));
            await Eventually.HoldsAsync(() => Task.FromResult(node.Bolna.Searches >= 1));
            await Task.Delay(200);
        }

        using (var admin = node.Node.Admin())
        {
            Assert.Equal(1, (await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>());
        }

        Assert.Equal("dialing", (string?)(await node.ItemAsync(campaign, contact))["status"]);
        Assert.Single(node.Bolna.Calls);

        node.Clock.SetUtcNow(Noon.AddMinutes(31));
        await Eventually.HoldsAsync(async () => (string?)(await node.ItemAsync(campaign, contact))["status"] == "failed");
        var failed = await node.ItemAsync(campaign, contact);

        Assert.Equal("dial-unknown", (string?)failed["outcome"]);
        Assert.Single(node.Bolna.Calls);
        using var again = node.Node.Admin();
        Assert.Equal(0, (await again.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_search_that_found_no_call_applied_after_the_dials_late_answer_leaves_the_live_call_and_its_slot_alone()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.Script = _ => []; // accepted, and queued at Bolna for now
        var contact = await node.ContactAsync("Meera");
        var campaign = await node.CampaignAsync(new
        {
            agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = new[] { contact },
        });
        var call = (await node.DialsAsync(1))[0];
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["callId"] is not null);
        var item = await node.ItemAsync(campaign, contact);

        // The search began before the answer was recorded, and says what the Bolna it read showed then: no call.
        await node.Node.Services.GetRequiredService<IGrainFactory>().GetGrain<ICampaignGrain>(campaign)
            .DialResolved(item["id"]!.GetValue<long>(), item["attempts"]!.GetValue<int>(), DialResolution.NoCall);

        Assert.Equal("dialing", (string?)(await node.ItemAsync(campaign, contact))["status"]);
        using (var admin = node.Node.Admin())
        {
            Assert.Equal(1, (await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>());
        }

        await node.WakeAsync(campaign);
        Assert.Single(node.Bolna.Calls);

        (await node.Bolna.PostWebhookAsync(node.Bolna.WebhookBody(call, "completed"))).Dispose();
        await node.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));
        Assert.Single(node.Bolna.Calls);
    }
}
