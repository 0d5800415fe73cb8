using CallCampaigns.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// Calls in each contact's own local time, and calling rules, through HTTP with the node's clock set by the test:
/// the dial gate holds an item, says until when, and lets it be dialled at that minute.
/// </summary>
public sealed class ContactClockTests
{
    private static DateTimeOffset Utc(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public async Task On_each_contacts_clock_a_uk_contact_is_called_at_ten_in_london_and_a_japanese_one_at_nine_in_tokyo()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 10:00 in London, 19:00 in Tokyo
        var london = await node.ContactAsync("Priya", phoneNumber: "+442079460958");
        var tokyo = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([london, tokyo], windowZone: "contact"));

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
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([tokyo], windowZone: "campaign"));
        await node.AssertCalledAsync(campaign, tokyo);
    }

    [Fact]
    public async Task The_florida_rule_holds_a_miami_contact_until_eight_in_the_morning_there_while_london_is_called()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 05:00 in Miami
        var london = await node.ContactAsync("Priya", phoneNumber: "+442079460958");
        var miami = await node.ContactAsync("Rosa", phoneNumber: "+13055550100");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([london, miami], windowZone: "campaign"));

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
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([miami], windowZone: "campaign"));
        await node.AssertCalledAsync(campaign, miami);
    }

    // The gate writes its holds down so that later passes skip the items it holds: each test below first has a
    // contact held (a pass a minute after the campaign was made), then changes what held it, and the contact is
    // called at once, not at the opening the hold was decided for.

    [Fact]
    public async Task A_held_contact_whose_zone_is_changed_to_one_in_the_window_is_called_at_once()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2);
        var kenji = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([kenji], windowZone: "contact"));
        await node.AdvanceAndWakeAsync(Utc(25, 10, 1), campaign);
        Assert.Equal(1, await node.HeldCountAsync(campaign));

        await node.User.SendAsync(HttpMethod.Patch, $"api/contacts/{kenji}", new { timeZone = "Europe/London" });
        await node.AssertCalledAsync(campaign, kenji);
    }

    [Fact]
    public async Task A_rule_removed_while_it_holds_a_contact_lets_it_be_called_at_once()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 05:00 in Miami
        var miami = await node.ContactAsync("Rosa", phoneNumber: "+13055550100");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([miami], windowZone: "campaign"));
        await node.AdvanceAndWakeAsync(Utc(25, 10, 1), campaign);
        Assert.Equal(1, await node.HeldCountAsync(campaign));

        using (var admin = node.Node.Admin()) await admin.SendAsync(HttpMethod.Put, "api/admin/calling-rules", new object[] { new { region = "IN", from = "09:00", to = "21:00" } });
        await node.AssertCalledAsync(campaign, miami);
    }

    [Fact]
    public async Task Widening_the_window_while_it_holds_a_contact_calls_the_contact_at_once()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 2); // 19:00 in Tokyo
        var kenji = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([kenji], windowZone: "contact"));
        await node.AdvanceAndWakeAsync(Utc(25, 10, 1), campaign);
        Assert.Equal(1, await node.HeldCountAsync(campaign));

        await node.User.SendAsync(HttpMethod.Patch, $"api/campaigns/{campaign}", new { lastCallTime = "20:00" });
        await node.AssertCalledAsync(campaign, kenji);
    }

    [Fact]
    public async Task Held_contacts_are_called_when_their_opening_comes_in_dispatch_order()
    {
        await using var node = await ScheduledNode.StartAsync(Utc(25, 10), userLimit: 1);
        var first = await node.ContactAsync("Kenji", phoneNumber: "+81312345678");
        var second = await node.ContactAsync("Aiko", phoneNumber: "+81312345679");
        var campaign = await node.CampaignAsync(ScheduledNode.NineToFiveInLondon([first, second], windowZone: "contact"));
        await node.AdvanceAndWakeAsync(Utc(25, 10, 1), campaign);
        Assert.Equal(2, await node.HeldCountAsync(campaign));
        Assert.Equal(Utc(26, 0), CampaignsClient.Time((await node.User.GetCampaignAsync(campaign))["nextCallAt"]));

        await node.AdvanceAndWakeAsync(Utc(26, 0), campaign);
        await node.AssertCalledAsync(campaign, first);
        Assert.Equal("queued", await node.ItemStatusAsync(campaign, second));
        Assert.Equal(0, await node.HeldCountAsync(campaign));
    }
}
