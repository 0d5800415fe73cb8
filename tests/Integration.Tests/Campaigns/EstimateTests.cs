using CallCampaigns.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// The estimates a user reads (each item's <c>estimatedCallAt</c>, the campaign's <c>estimatedCompletionAt</c>) follow
/// the real dispatch: the gate's hours per contact, and whole slots handed out in turns. The node's clock is set by the
/// test; calls stay on the line until the test hangs up, and take the assumed call length (90 s) in the estimates.
/// </summary>
public sealed class EstimateTests
{
    private static readonly TimeSpan Call = TimeSpan.FromSeconds(90);

    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_campaign_holding_a_tokyo_contact_until_their_morning_is_not_estimated_to_end_before_it()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 10:00 in London, 19:00 in Tokyo
        var london = await node.ContactAsync("Priya", phoneNumber: "+442079460958");
        var tokyo = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([london, tokyo], windowZone: "contact"));
        await node.AssertCalledAsync(campaign, london);

        var described = await node.User.GetCampaignAsync(campaign);

        // 09:00 in Tokyo is 00:00 UTC; the call takes one call length from there.
        Assert.Equal(Utc(26, 0) + Call, CampaignsClient.Time(described["estimatedCompletionAt"]));
        Assert.Equal(Utc(26, 0), CampaignsClient.Time((await node.ItemAsync(campaign, tokyo))["estimatedCallAt"]));
    }

    [Fact]
    public async Task Two_campaigns_sharing_one_slot_are_estimated_in_alternating_whole_calls_as_they_are_dialled()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 1);
        long[] first = [await node.ContactAsync(), await node.ContactAsync(), await node.ContactAsync()];
        var a = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon(first));
        await node.DialsAsync(1); // a's first call holds the slot
        long[] second = [await node.ContactAsync(), await node.ContactAsync(), await node.ContactAsync()];
        var b = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon(second));

        // One call length per turn, the turns alternating: b (not served yet), a, b, a, b.
        var now = Utc(25, 10);
        Assert.Equal([now + (2 * Call), now + (4 * Call)], (await node.QueuedAsync(a)).Select(i => CampaignsClient.Time(i["estimatedCallAt"])!.Value));
        Assert.Equal([now + Call, now + (3 * Call), now + (5 * Call)], (await node.QueuedAsync(b)).Select(i => CampaignsClient.Time(i["estimatedCallAt"])!.Value));
        Assert.Equal(now + (6 * Call), CampaignsClient.Time((await node.User.GetCampaignAsync(b))["estimatedCompletionAt"]));

        // And the dispatch takes those turns: the slot freed by a's call goes to b, the next one back to a.
        node.Held.HangUp(node.Bolna.Calls[0]);
        var calls = await node.DialsAsync(2);
        await node.AssertCalledAsync(b, second[0]);
        node.Held.HangUp(calls[1]);
        await node.DialsAsync(3);
        await node.AssertCalledAsync(a, first[1]);
    }
}
