namespace CallCampaigns.Integration.Tests.Calls;

/// <summary>Dials whose answer is lost or refused, against the fake Bolna.</summary>
public sealed class DialFailureTests : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private FakeBolna _bolna = null!;
    private EmbeddedNode _node = null!;

    public async ValueTask InitializeAsync()
    {
        _bolna = await FakeBolna.StartAsync();
        _node = await EmbeddedNode.StartAsync(_data.Path, new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = _bolna.ApiKey,
            ["Bolna:BaseUrl"] = _bolna.BaseUrl.ToString(),
            ["Bolna:DialTimeout"] = "00:00:00.500", // a slow answer without waiting the shipped 15 s; every engine default is the shipped one
        });
        _bolna.WebhookUrls.Add($"{_node.BaseUrl}api/webhooks/bolna?token={_node.WebhookSecret}");
    }

    [Fact]
    public async Task A_dial_that_times_out_after_Bolna_accepted_it_is_found_and_never_placed_twice()
    {
        _bolna.AnswerDelay = TimeSpan.FromSeconds(2);
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromSeconds(3));
        using var user = await NewUserAsync("tim");
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(await user.CreateContactsAsync(1))))["id"]!.GetValue<long>();

        await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));

        var call = Assert.Single(_bolna.Calls);
        var item = Assert.Single(await user.ListItemsAsync(id));
        Assert.Equal("completed", (string?)item["status"]);
        Assert.Equal(call.ExecutionId, (string?)item["callId"]);
        Assert.Equal(1, item["attempts"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_dial_answered_500_that_the_search_shows_was_never_placed_is_dialled_again_within_30_seconds()
    {
        var refusals = 0;
        _bolna.RefuseWith = _ => Interlocked.Increment(ref refusals) == 1 ? 503 : null;
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(200));
        using var user = await NewUserAsync("una");
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(await user.CreateContactsAsync(1))))["id"]!.GetValue<long>();

        await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));

        Assert.Equal(2, _bolna.Calls.Count);
        Assert.InRange(_bolna.Calls[1].At - _bolna.Calls[0].At, TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(30));
        var item = Assert.Single(await user.ListItemsAsync(id));
        Assert.Equal("completed", (string?)item["status"]);
        Assert.Equal(1, item["attempts"]!.GetValue<int>());
        Assert.Equal(_bolna.Calls[1].ExecutionId, (string?)item["callId"]);
    }

    [Fact]
    public async Task A_dial_answered_500_after_Bolna_placed_the_call_is_adopted_from_the_search_and_not_dialled_again()
    {
        _bolna.FailAfterPlacing = _ => 500;
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(300));
        using var user = await NewUserAsync("ada");
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(await user.CreateContactsAsync(1, numberBase: 500))))["id"]!.GetValue<long>();

        var done = await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(45));

        var call = Assert.Single(_bolna.Calls);
        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
        Assert.Equal(call.ExecutionId, (string?)Assert.Single(await user.ListItemsAsync(id))["callId"]);
    }

    [Fact]
    public async Task Two_users_calling_one_number_with_one_agent_never_adopt_each_others_call()
    {
        using var amir = await NewUserAsync("amir");
        using var bea = await NewUserAsync("bea");
        var shared = "+14165557777";
        var amirsContact = (await amir.PostAsync("api/contacts", new { phoneNumber = shared }, 201))["id"]!.GetValue<long>();
        var beasContact = (await bea.PostAsync("api/contacts", new { phoneNumber = shared }, 201))["id"]!.GetValue<long>();
        var first = true;
        _bolna.FailAfterPlacing = _ => Interlocked.Exchange(ref first, false) ? 503 : null; // Amir's dial: placed, then a 503
        var hangUp = new TaskCompletionSource();
        _bolna.Script = _ => FakeBolna.AnsweredUntil(hangUp.Task);

        var amirs = (await amir.CreateCampaignAsync(BolnaNodeFixture.Campaign([amirsContact])))["id"]!.GetValue<long>();
        while (_bolna.Calls.Count < 1) await Task.Delay(20);
        var beas = (await bea.CreateCampaignAsync(BolnaNodeFixture.Campaign([beasContact])))["id"]!.GetValue<long>();
        while (_bolna.Calls.Count < 2) await Task.Delay(20);
        var amirsItem = await WaitForItemAsync(amir, amirs, i => i["callId"] is not null, TimeSpan.FromSeconds(45));
        hangUp.SetResult();
        await amir.WaitForCampaignAsync(amirs, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));
        await bea.WaitForCampaignAsync(beas, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));

        Assert.Equal(_bolna.Calls[0].ExecutionId, (string?)amirsItem["callId"]);
        Assert.Equal(_bolna.Calls[1].ExecutionId, (string?)Assert.Single(await bea.ListItemsAsync(beas))["callId"]);
        Assert.Equal(2, _bolna.Calls.Count);
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await _bolna.DisposeAsync();
        _data.Dispose();
    }

    [Fact]
    public async Task A_Bolna_too_slow_to_list_its_agents_answers_502_for_the_list_and_never_fails_a_new_campaign()
    {
        _bolna.AgentsDelay = TimeSpan.FromSeconds(5); // beyond the dial client's time-out
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(100));
        using var user = await NewUserAsync("sam");

        using var agents = await user.Http.GetAsync("api/agents", TestContext.Current.CancellationToken);
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(await user.CreateContactsAsync(1))))["id"]!.GetValue<long>();

        Assert.Equal(502, (int)agents.StatusCode);
        await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));
    }

    private static async Task<JsonObject> WaitForItemAsync(CampaignsClient user, long campaignId, Func<JsonObject, bool> settled, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        while (true)
        {
            var item = Assert.Single(await user.ListItemsAsync(campaignId));
            if (settled(item) || DateTime.UtcNow > deadline) return item;
            await Task.Delay(100);
        }
    }

    private async Task<CampaignsClient> NewUserAsync(string id)
    {
        using var admin = _node.Admin();
        return new CampaignsClient(_node.BaseUrl, await admin.CreateUserAsync(id, limit: 2));
    }

}
