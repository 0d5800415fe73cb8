using CallCampaigns.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// Calls in each contact's own local time, and calling rules, through HTTP with the node's clock set by the test:
/// the dial gate holds an item, says until when, and lets it be dialled at that minute.
/// </summary>
public sealed class ContactClockTests
{
    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private static object Campaign(long[] contacts, string windowZone) => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = "09:00",
        lastCallTime = "17:00",
        timeZone = "Europe/London",
        windowZone,
        pacing = "asap",
        contactIds = contacts,
    };

    [Fact]
    public async Task On_each_contacts_clock_a_uk_contact_is_called_at_ten_in_london_and_a_japanese_one_at_nine_in_tokyo()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 10:00 in London, 19:00 in Tokyo
        var london = await node.ContactAsync("Priya", phoneNumber: "+442079460958");
        var tokyo = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var campaign = await node.CampaignAsync(Campaign([london, tokyo], windowZone: "contact"));

        await node.AssertCalledAsync(campaign, london);
        var waiting = await node.ItemAsync(campaign, tokyo);
        Assert.Equal("queued", waiting["status"]!.GetValue<string>());
        Assert.Equal("contact-time", waiting["waitingReason"]!["code"]!.GetValue<string>());
        Assert.Equal(Utc(26, 0), CampaignsClient.Time(waiting["waitingReason"]!["until"])); // 09:00 in Tokyo
        Assert.Contains("09:00 (Asia/Tokyo)", waiting["waitingReason"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(Utc(26, 0), CampaignsClient.Time(waiting["estimatedCallAt"]));
        Assert.Equal(Utc(26, 0), CampaignsClient.Time((await node.User.GetCampaignAsync(campaign))["nextCallAt"]));

        await node.AdvanceAndWakeAsync(Utc(25, 23, 59), campaign); // London's window is closed, Tokyo's not yet open
        Assert.Equal("queued", await node.ItemStatusAsync(campaign, tokyo));
        await node.AdvanceAndWakeAsync(Utc(26, 0), campaign);
        await node.AssertCalledAsync(campaign, tokyo);
        await node.DialsAsync(2);
    }

    [Fact]
    public async Task On_the_campaigns_clock_the_japanese_contact_is_called_in_the_london_window()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2);
        var tokyo = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var campaign = await node.CampaignAsync(Campaign([tokyo], windowZone: "campaign"));
        await node.AssertCalledAsync(campaign, tokyo);
    }

    [Fact]
    public async Task The_florida_rule_holds_a_miami_contact_until_eight_in_the_morning_there_while_london_is_called()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 05:00 in Miami
        var london = await node.ContactAsync("Priya", phoneNumber: "+442079460958");
        var miami = await node.ContactAsync("Rosa", phoneNumber: "+13055550100");
        var campaign = await node.CampaignAsync(Campaign([london, miami], windowZone: "campaign"));

        await node.AssertCalledAsync(campaign, london);
        var held = await node.ItemAsync(campaign, miami);
        Assert.Equal("calling-rules", held["waitingReason"]!["code"]!.GetValue<string>());
        Assert.Equal(Utc(25, 13), CampaignsClient.Time(held["waitingReason"]!["until"]));
        Assert.Contains("US-FL 08:00-20:00", held["waitingReason"]!["text"]!.GetValue<string>(), StringComparison.Ordinal);

        await node.AdvanceAndWakeAsync(Utc(25, 12, 59), campaign);
        Assert.Equal("queued", await node.ItemStatusAsync(campaign, miami));
        await node.AdvanceAndWakeAsync(Utc(25, 13), campaign);
        await node.AssertCalledAsync(campaign, miami);
    }

    [Fact]
    public async Task A_rule_the_admin_removes_holds_nobody_any_more()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2);
        using (var admin = node.Node.Admin()) await admin.SendAsync(HttpMethod.Put, "api/admin/calling-rules", new object[] { new { region = "IN", from = "09:00", to = "21:00" } });
        var miami = await node.ContactAsync("Rosa", phoneNumber: "+13055550100");
        var campaign = await node.CampaignAsync(Campaign([miami], windowZone: "campaign"));
        await node.AssertCalledAsync(campaign, miami);
    }
}
