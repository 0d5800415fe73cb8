using System.Net.Http.Json;
using System.Text.Json.Nodes;
using CallCampaigns.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>Order, edits, pause, resume, cancel and retries, with the node's clock set by the test.</summary>
public sealed class CampaignLifecycleTests
{
    private static readonly DateTimeOffset TenAm = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private static object Campaign(long[] contacts, string pacing = "asap", string first = "09:00", string last = "18:00", object? retry = null) => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = first,
        lastCallTime = last,
        timeZone = "UTC",
        pacing,
        retry,
        contactIds = contacts,
    };


    private static string Code(JsonObject item) => item["waitingReason"]!["code"]!.GetValue<string>();

    [Fact]
    public async Task Named_contacts_are_called_before_unnamed_ones_and_in_join_order_within_each_priority()
    {
        await using var node = await ScheduledNode.StartAsync(TenAm);
        long[] contacts =
        [
            await node.ContactAsync(), await node.ContactAsync("Bea"), await node.ContactAsync(),
            await node.ContactAsync("Dev"), await node.ContactAsync("Eve", "eve@example.com"),
        ];
        var campaign = await node.CampaignAsync(Campaign(contacts));
        var first = (await node.DialsAsync(1))[0];

        // Eve (name and email) is on the line; the rest wait in the order they will be called.
        var queued = await node.QueuedAsync(campaign);
        Assert.Equal([contacts[1], contacts[3], contacts[0], contacts[2]], queued.Select(i => i["contactId"]!.GetValue<long>()));
        Assert.Equal([1, 2, 3, 4], queued.Select(i => i["position"]!.GetValue<int>()));
        Assert.All(queued, i => Assert.Equal("user-limit", Code(i)));
        var estimates = queued.Select(i => CampaignsClient.Time(i["estimatedCallAt"])!.Value).ToArray();
        Assert.Equal(estimates.Order(), estimates);
        Assert.True(estimates[0] > TenAm, "the first waits for the call on the line");

        var order = new List<string> { first.RecipientPhoneNumber };
        for (var n = 2; n <= 5; n++)
        {
            node.Held.HangUp(node.Bolna.Calls[^1]);
            order.Add((await node.DialsAsync(n))[^1].RecipientPhoneNumber);
        }

        var numbers = new Dictionary<long, string>();
        foreach (var id in contacts) numbers[id] = (await node.User.GetAsync($"api/contacts/{id}"))["phoneNumber"]!.GetValue<string>();
        Assert.Equal([numbers[contacts[4]], numbers[contacts[1]], numbers[contacts[3]], numbers[contacts[0]], numbers[contacts[2]]], order);
    }

    [Fact]
    public async Task An_edit_of_the_window_re_plans_the_spread_queue_and_bad_or_late_edits_are_refused()
    {
        await using var node = await ScheduledNode.StartAsync(TenAm.AddHours(-2));
        long[] contacts = [await node.ContactAsync(), await node.ContactAsync(), await node.ContactAsync()];
        var campaign = await node.CampaignAsync(Campaign(contacts, pacing: "spread"));
        Assert.Equal([TenAm.AddHours(-1), TenAm.AddHours(2), TenAm.AddHours(5)], (await node.QueuedAsync(campaign)).Select(i => CampaignsClient.Time(i["scheduledFor"])!.Value));

        var edited = await node.User.SendAsync(HttpMethod.Patch, $"api/campaigns/{campaign}", new { firstCallTime = "10:00", lastCallTime = "13:00", name = "Morning push" });
        Assert.Equal(("Morning push", "10:00", "13:00"), (edited["name"]!.GetValue<string>(), edited["firstCallTime"]!.GetValue<string>(), edited["lastCallTime"]!.GetValue<string>()));
        var queued = await node.QueuedAsync(campaign);
        Assert.Equal([TenAm, TenAm.AddHours(1), TenAm.AddHours(2)], queued.Select(i => CampaignsClient.Time(i["scheduledFor"])!.Value));
        Assert.Equal([TenAm, TenAm.AddHours(1), TenAm.AddHours(2)], queued.Select(i => CampaignsClient.Time(i["estimatedCallAt"])!.Value));
        Assert.All(queued, i => Assert.Equal(("window-closed", TenAm), (Code(i), CampaignsClient.Time(i["waitingReason"]!["until"]))));

        var bad = await node.User.Http.PatchAsJsonAsync($"api/campaigns/{campaign}", new { firstCallTime = "25:00", timeZone = "Mars/Olympus" });
        var problem = await bad.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.NotNull(problem!["errors"]!["firstCallTime"]);
        Assert.NotNull(problem["errors"]!["timeZone"]);

        await node.User.PostAsync($"api/campaigns/{campaign}/cancel", null);
        var late = await node.User.Http.PatchAsJsonAsync($"api/campaigns/{campaign}", new { name = "Too late" });
        Assert.Equal(409, (int)late.StatusCode);
        Assert.Equal("Morning push", (await node.User.GetCampaignAsync(campaign))["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task Pause_lets_the_call_in_flight_finish_and_dials_nobody_until_resumed_and_cancel_ends_the_waiting()
    {
        await using var node = await ScheduledNode.StartAsync(TenAm);
        long[] contacts = [await node.ContactAsync(), await node.ContactAsync(), await node.ContactAsync()];
        var campaign = await node.CampaignAsync(Campaign(contacts));
        var calls = await node.DialsAsync(1);

        var paused = await node.User.PostAsync($"api/campaigns/{campaign}/pause", null);
        Assert.Equal(("paused", 1), (paused["status"]!.GetValue<string>(), paused["inProgressCalls"]!.GetValue<int>()));
        Assert.All(await node.QueuedAsync(campaign), i => Assert.Equal("paused", Code(i)));
        node.Held.HangUp(calls[0]);
        await node.User.WaitForCampaignAsync(campaign, c => c["completedCalls"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(15));
        await node.WakeAsync(campaign);
        Assert.Single(node.Bolna.Calls);
        Assert.Equal(409, (int)(await node.User.Http.PostAsync($"api/campaigns/{campaign}/pause", null)).StatusCode);

        await node.User.PostAsync($"api/campaigns/{campaign}/resume", null);
        await node.DialsAsync(2);
        var cancelled = await node.User.PostAsync($"api/campaigns/{campaign}/cancel", null);
        Assert.Equal(("cancelled", 1, 1), (cancelled["status"]!.GetValue<string>(), cancelled["inProgressCalls"]!.GetValue<int>(), cancelled["cancelledCalls"]!.GetValue<int>()));
        node.Held.HangUp(node.Bolna.Calls[1]);
        var done = await node.User.WaitForCampaignAsync(campaign, c => c["inProgressCalls"]!.GetValue<int>() == 0, TimeSpan.FromSeconds(15));
        Assert.Equal(("cancelled", 2), (done["status"]!.GetValue<string>(), done["completedCalls"]!.GetValue<int>()));
        Assert.Equal(2, node.Bolna.Calls.Count);
    }

    [Fact]
    public async Task A_busy_contact_is_retried_after_the_delay_inside_the_window_and_counted_once()
    {
        await using var node = await ScheduledNode.StartAsync(TenAm);
        var contact = await node.ContactAsync();
        var answered = false;
        node.Bolna.Script = call => Interlocked.Exchange(ref answered, true) ? FakeBolna.Answered(TimeSpan.FromMilliseconds(50)) : FakeBolna.Unanswered("busy", TimeSpan.FromMilliseconds(50));
        var campaign = await node.CampaignAsync(Campaign([contact], retry: new { maxAttempts = 2, delayMinutes = 30, on = new[] { "busy" } }));
        await node.DialsAsync(1);

        var deadline = DateTime.UtcNow.AddSeconds(15);
        JsonObject item;
        while ((item = await node.ItemAsync(campaign, contact))["attempts"]!.GetValue<int>() != 1 || item["status"]!.GetValue<string>() != "queued")
        {
            Assert.True(DateTime.UtcNow < deadline, $"the busy call was not put back: {item}");
            await Task.Delay(20);
        }

        Assert.Equal(("retry-delay", TenAm.AddMinutes(30)), (Code(item), CampaignsClient.Time(item["waitingReason"]!["until"])));
        await node.AdvanceAndWakeAsync(TenAm.AddMinutes(29), campaign);
        Assert.Single(node.Bolna.Calls);
        await node.AdvanceAndWakeAsync(TenAm.AddMinutes(30), campaign);
        await node.DialsAsync(2);

        var done = await node.User.WaitForCampaignAsync(campaign, c => c["status"]!.GetValue<string>() == "completed", TimeSpan.FromSeconds(15));
        Assert.Equal((1, 1, 0), (done["completedCalls"]!.GetValue<int>(), done["successfulCalls"]!.GetValue<int>(), done["failedCalls"]!.GetValue<int>()));
        Assert.Equal(2, (await node.ItemAsync(campaign, contact))["attempts"]!.GetValue<int>());
    }
}
