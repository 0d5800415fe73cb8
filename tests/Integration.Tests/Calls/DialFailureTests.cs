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
            ["Bolna:DialTimeout"] = "00:00:00.500",
            ["Engine:UnknownDialCheckAfter"] = "00:00:01",
            ["Engine:HeartbeatPeriod"] = "00:00:00.200",
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
    public async Task A_dial_that_never_reached_Bolna_goes_back_to_the_queue_and_is_placed_once_later()
    {
        var refusals = 0;
        _bolna.RefuseWith = _ => Interlocked.Increment(ref refusals) == 1 ? 503 : null;
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(200));
        using var user = await NewUserAsync("una");
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(await user.CreateContactsAsync(1))))["id"]!.GetValue<long>();

        await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(30));

        Assert.Equal(2, _bolna.Calls.Count);
        var item = Assert.Single(await user.ListItemsAsync(id));
        Assert.Equal("completed", (string?)item["status"]);
        Assert.Equal(1, item["attempts"]!.GetValue<int>());
        Assert.Equal(_bolna.Calls[1].ExecutionId, (string?)item["callId"]);
    }

    public async ValueTask DisposeAsync()
    {
        await _node.DisposeAsync();
        await _bolna.DisposeAsync();
        _data.Dispose();
    }

    private async Task<CampaignsClient> NewUserAsync(string id)
    {
        using var admin = _node.Admin();
        return new CampaignsClient(_node.BaseUrl, await admin.CreateUserAsync(id, limit: 2));
    }

}
