using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace CallCampaigns.Integration.Tests.Calls;

/// <summary>How each way a call can go, as Bolna reports it, ends up on the item, the campaign and the contact.</summary>
public sealed class CallOutcomeTests(BolnaNodeFixture fixture) : IClassFixture<BolnaNodeFixture>
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private static IReadOnlyList<ScriptStep> Steps(params (string Status, Action<JsonObject>? Fill)[] steps) =>
        steps.Select(s => new ScriptStep(TimeSpan.FromMilliseconds(30), s.Status, s.Fill)).ToArray();

    private static Action<JsonObject> Conversation(double seconds, string summary = "Spoke.") => body =>
    {
        body["conversation_duration"] = seconds;
        body["total_cost"] = 12.5;
        body["summary"] = summary;
        body["telephony_data"]!["duration"] = $"{(int)seconds + 2}";
        body["telephony_data"]!["recording_url"] = "https://recordings.example/r.mp3";
    };

    [Theory]
    [InlineData("busy")]
    [InlineData("no-answer")]
    [InlineData("failed")]
    [InlineData("error")]
    [InlineData("canceled")]
    [InlineData("stopped")]
    public async Task A_call_that_ends_without_connecting_fails_its_item_with_Bolnas_word_for_why(string status)
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(("initiated", null), ("ringing", null), (status, null));

        var item = await RunAsync(client, contacts);

        Assert.Equal("failed", (string?)item["status"]);
        Assert.Equal(status, (string?)item["outcome"]);
        Assert.False(string.IsNullOrWhiteSpace((string?)item["failureReason"]));
        var contact = await client.GetAsync($"api/contacts/{contacts[0]}");
        Assert.Equal(1, contact["notConnectedCalls"]!.GetValue<int>());
        Assert.Equal(0, contact["successfulCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_connected_call_completes_and_its_final_data_arrives_with_the_completed_webhook()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(("initiated", null), ("ringing", null), ("in-progress", null), ("call-disconnected", null), ("completed", Conversation(42, "Wants a demo.")));

        var item = await RunAsync(client, contacts, i => i["durationSeconds"] is not null);

        Assert.Equal("completed", (string?)item["status"]);
        Assert.Equal(42.0, item["durationSeconds"]!.GetValue<double>());
        Assert.Equal(0.125m, item["cost"]!.GetValue<decimal>());
        var contact = await client.GetAsync($"api/contacts/{contacts[0]}");
        Assert.Equal(1, contact["successfulCalls"]!.GetValue<int>());
        Assert.Equal("Wants a demo.", (string?)contact["lastTranscriptSummary"]);
        Assert.NotNull(contact["lastConversationAt"]);
    }

    [Fact]
    public async Task A_completed_call_without_a_conversation_is_not_a_success()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(("initiated", null), ("ringing", null), ("completed", null));

        var item = await RunAsync(client, contacts);

        Assert.Equal("failed", (string?)item["status"]);
        Assert.Equal("completed", (string?)item["outcome"]);
    }

    [Fact]
    public async Task A_call_whose_in_progress_webhook_was_lost_counts_as_connected_once_Bolna_reports_a_conversation()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(("ringing", null), ("call-disconnected", null), ("completed", Conversation(12)));

        var item = await RunAsync(client, contacts, i => (string?)i["status"] == "completed");
        var campaign = await client.GetCampaignAsync(item["campaignId"]!.GetValue<long>());

        Assert.Equal(1, campaign["successfulCalls"]!.GetValue<int>());
        Assert.Equal(0, campaign["failedCalls"]!.GetValue<int>());
        Assert.Equal(1, (await client.GetAsync($"api/contacts/{contacts[0]}"))["successfulCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task Webhooks_delivered_twice_and_out_of_order_count_once_and_never_move_a_call_backwards()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(
            ("in-progress", null), ("completed", Conversation(30)), ("completed", Conversation(30)),
            ("call-disconnected", null), ("ringing", null), ("in-progress", null), ("initiated", null));

        var item = await RunAsync(client, contacts, i => i["durationSeconds"] is not null);
        await Task.Delay(500, TestContext.Current.CancellationToken);
        item = Assert.Single(await client.ListItemsAsync(item["campaignId"]!.GetValue<long>()));
        var campaign = await client.GetCampaignAsync(item["campaignId"]!.GetValue<long>());

        Assert.Equal("completed", (string?)item["status"]);
        Assert.Equal("completed", (string?)item["outcome"]);
        Assert.Equal(1, campaign["completedCalls"]!.GetValue<int>());
        Assert.Equal(1, (await client.GetAsync($"api/contacts/{contacts[0]}"))["successfulCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_rejected_number_fails_its_item_with_Bolnas_reason_and_the_campaign_goes_on()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync(contacts: 4);
        fixture.Refusals[numbers[0]] = () => 400;
        fixture.Refusals[numbers[1]] = () => 422;
        fixture.Refusals[numbers[2]] = () => 400;

        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        var done = await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);

        Assert.Equal(3, done["failedCalls"]!.GetValue<int>());
        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
        var items = await client.ListItemsAsync(id);
        Assert.All(items.Where(i => (string?)i["status"] == "failed"), i => Assert.Contains("Refused with", (string?)i["failureReason"]));
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task A_refused_API_key_pauses_the_campaign_with_the_reason_instead_of_failing_every_contact(int status)
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync(contacts: 3);
        foreach (var number in numbers) fixture.Refusals[number] = () => status;

        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        var paused = await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "paused", Within);

        Assert.Contains("API key", (string?)paused["statusReason"]);
        Assert.Equal(3, paused["queuedCalls"]!.GetValue<int>());
        Assert.All(await client.ListItemsAsync(id), i => Assert.Equal(0, i["attempts"]!.GetValue<int>()));
        Assert.Single(fixture.Bolna.Calls, c => numbers.Contains(c.RecipientPhoneNumber));
    }

    [Fact]
    public async Task Too_many_requests_holds_dialling_for_Retry_After_and_keeps_the_order()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync(contacts: 2);
        var refusals = 0;
        fixture.Refusals[numbers[0]] = () => Interlocked.Increment(ref refusals) == 1 ? 429 : null;

        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);

        var calls = fixture.Bolna.Calls.Where(c => numbers.Contains(c.RecipientPhoneNumber)).ToArray();
        Assert.Equal([numbers[0], numbers[0], numbers[1]], calls.Select(c => c.RecipientPhoneNumber));
        Assert.True(calls[1].At - calls[0].At >= TimeSpan.FromMilliseconds(900), $"redialled after {calls[1].At - calls[0].At}");
    }

    [Fact]
    public async Task Webhooks_that_arrive_before_the_dial_is_answered_are_not_lost()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => [new(TimeSpan.Zero, "in-progress"), new(TimeSpan.Zero, "call-disconnected"), new(TimeSpan.Zero, "completed", Conversation(9))];
        fixture.Bolna.AnswerDelay = TimeSpan.FromMilliseconds(700);
        try
        {
            var item = await RunAsync(client, contacts, i => i["durationSeconds"] is not null);
            Assert.Equal("completed", (string?)item["status"]);
            Assert.Equal(9.0, item["durationSeconds"]!.GetValue<double>());
        }
        finally
        {
            fixture.Bolna.AnswerDelay = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Unauthenticated_and_malformed_webhooks_change_nothing()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        var hangUp = new TaskCompletionSource();
        fixture.Scripts[numbers[0]] = _ => FakeBolna.AnsweredUntil(hangUp.Task);
        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        await client.WaitForCampaignAsync(id, c => c["inProgressCalls"]!.GetValue<int>() == 1, Within);
        // The item is dialing from its claim on; the dial itself reaches Bolna, and becomes an execution there, a moment later.
        await Eventually.HoldsAsync(() => fixture.Bolna.Calls.Any(c => c.RecipientPhoneNumber == numbers[0] && fixture.Bolna.Execution(c.ExecutionId) is not null));
        var call = fixture.Bolna.Calls.Single(c => c.RecipientPhoneNumber == numbers[0]);
        var ending = fixture.Bolna.Execution(call.ExecutionId)!;
        ending["status"] = "completed";

        using var http = new HttpClient();
        var unauthenticated = await http.PostAsJsonAsync(fixture.WebhookUrl.Replace(fixture.Node.WebhookSecret, "wrong", StringComparison.Ordinal), ending, TestContext.Current.CancellationToken);
        var malformed = await http.PostAsync(fixture.WebhookUrl, new StringContent("{\"status\": ", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        var campaign = await client.GetCampaignAsync(id);
        Assert.Equal(1, campaign["inProgressCalls"]!.GetValue<int>());
        Assert.Equal(0, campaign["completedCalls"]!.GetValue<int>());
        hangUp.SetResult();
        await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);
    }

    [Fact]
    public async Task A_later_completed_with_a_conversation_wins_over_an_earlier_no_answer_and_the_record_agrees()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(("ringing", null), ("no-answer", null), ("completed", Conversation(21)));

        var item = await RunAsync(client, contacts, i => (string?)i["status"] == "completed");
        var id = item["campaignId"]!.GetValue<long>();
        var campaign = await client.GetCampaignAsync(id);
        var analytics = await client.GetAsync($"api/campaigns/{id}/analytics");
        var contact = await client.GetAsync($"api/contacts/{contacts[0]}");

        Assert.Equal("completed", (string?)item["status"]);
        Assert.Equal("completed", (string?)item["outcome"]);
        Assert.Null(item["failureReason"]);
        Assert.Equal(21.0, item["durationSeconds"]!.GetValue<double>());
        Assert.Equal(1, campaign["successfulCalls"]!.GetValue<int>());
        Assert.Equal(0, campaign["failedCalls"]!.GetValue<int>());
        Assert.Equal(1, analytics["successful"]!.GetValue<int>());
        Assert.Equal(1, contact["successfulCalls"]!.GetValue<int>());
        Assert.Equal(0, contact["notConnectedCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_balance_low_call_pauses_the_campaign_with_the_reason_and_its_contact_waits_uncounted()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync(contacts: 4);
        foreach (var number in numbers) fixture.Scripts[number] = _ => Steps(("balance-low", null));

        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        var paused = await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "paused" && c["inProgressCalls"]!.GetValue<int>() == 0, Within);

        Assert.Contains("balance", (string?)paused["statusReason"], StringComparison.OrdinalIgnoreCase);
        Assert.Equal(4, paused["queuedCalls"]!.GetValue<int>());
        Assert.All(await client.ListItemsAsync(id), i => Assert.Equal(0, i["attempts"]!.GetValue<int>()));
        Assert.Single(fixture.Bolna.Calls, c => numbers.Contains(c.RecipientPhoneNumber));
        Assert.Equal(0, (await client.GetAsync($"api/contacts/{contacts[0]}"))["notConnectedCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_agent_Bolna_no_longer_knows_pauses_the_campaign_and_leaves_the_list_queued()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync(contacts: 20);
        foreach (var number in numbers.Skip(2)) fixture.Refusals[number] = () => 404;

        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        var paused = await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "paused" && c["inProgressCalls"]!.GetValue<int>() == 0, Within);

        Assert.Contains("agent", (string?)paused["statusReason"]);
        Assert.InRange(fixture.Bolna.Calls.Count(c => numbers.Contains(c.RecipientPhoneNumber)), 3, 2 + 5);
        Assert.Equal(0, paused["failedCalls"]!.GetValue<int>());
        Assert.True(paused["queuedCalls"]!.GetValue<int>() >= 15);
    }

    [Fact]
    public async Task Five_refused_numbers_in_a_row_pause_the_campaign_instead_of_failing_the_whole_list()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync(contacts: 12);
        foreach (var number in numbers) fixture.Refusals[number] = () => 400;

        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        var paused = await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "paused" && c["inProgressCalls"]!.GetValue<int>() == 0, Within);

        Assert.Contains("in a row", (string?)paused["statusReason"]);
        Assert.Equal(4, paused["failedCalls"]!.GetValue<int>());
        Assert.Equal(8, paused["queuedCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_contact_deleted_during_its_call_is_not_called_again_even_with_retries_left()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        var hangUp = new TaskCompletionSource();
        fixture.Scripts[numbers[0]] = _ => [new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "busy", Until: hangUp.Task)];
        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts, retry: new { maxAttempts = 4, delayMinutes = 0, on = new[] { "busy" } })))["id"]!.GetValue<long>();
        while (!fixture.Bolna.Calls.Any(c => c.RecipientPhoneNumber == numbers[0])) await Task.Delay(20, TestContext.Current.CancellationToken);

        await client.SendAsync(HttpMethod.Delete, $"api/contacts/{contacts[0]}", null, 204);
        hangUp.SetResult();
        var done = await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);
        await Task.Delay(500, TestContext.Current.CancellationToken);

        var item = Assert.Single(await client.ListItemsAsync(id));
        Assert.Equal("cancelled", (string?)item["status"]);
        Assert.Equal("contact deleted", (string?)item["failureReason"]);
        Assert.Single(fixture.Bolna.Calls, c => c.RecipientPhoneNumber == numbers[0]);
        Assert.Equal(0, done["queuedCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_cost_Bolna_reports_as_NaN_is_left_out_and_the_call_still_completes()
    {
        var (client, contacts, numbers) = await fixture.NewUserAsync();
        fixture.Scripts[numbers[0]] = _ => Steps(("in-progress", null), ("completed", body =>
        {
            body["conversation_duration"] = 10;
            body["total_cost"] = "NaN";
        }));

        var item = await RunAsync(client, contacts, i => i["durationSeconds"] is not null);

        Assert.Equal("completed", (string?)item["status"]);
        Assert.Null(item["cost"]);
        Assert.Equal(200, (int)(await client.Http.GetAsync($"api/campaigns/{item["campaignId"]}/analytics", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task Bolnas_agents_are_listed_for_the_user_to_pick()
    {
        var (client, _, _) = await fixture.NewUserAsync();
        var agents = (await client.GetAsync("api/agents"))["items"]!.AsArray();
        Assert.Contains(agents, a => (string?)a!["id"] == FakeBolna.AgentId && (string?)a["name"] == "Fake sales agent");
    }

    /// <summary>Runs a one-contact campaign to completion; returns its item once <paramref name="settled"/> holds.</summary>
    private static async Task<JsonObject> RunAsync(CampaignsClient client, long[] contacts, Func<JsonObject, bool>? settled = null)
    {
        var id = (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        await client.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);
        var deadline = DateTime.UtcNow + Within;
        while (true)
        {
            var item = Assert.Single(await client.ListItemsAsync(id));
            if (settled is null || settled(item) || DateTime.UtcNow > deadline) return item;
            await Task.Delay(50);
        }
    }
}
