namespace CallCampaigns.Integration.Tests.EndToEnd;

/// <summary>The embedded default as a real process, killed outright and started again on its data.</summary>
public sealed class NodeRestartTests : IAsyncLifetime
{
    private const string AdminKey = "restart-admin-key";
    private const string WebhookSecret = "restart-webhook-secret";
    private readonly TempFolder _data = new();
    private readonly List<NodeProcess> _nodes = [];
    private FakeBolna _bolna = null!;

    public async ValueTask InitializeAsync() => _bolna = await FakeBolna.StartAsync();

    [Fact]
    public async Task After_a_kill_and_a_restart_the_calls_the_old_process_had_in_flight_are_looked_up_at_once_and_their_slots_freed()
    {
        var held = new HeldCalls();
        _bolna.Script = held.Script;
        var first = await StartNodeAsync();
        using var admin = new CampaignsClient(first.BaseUrl, AdminKey);
        var key = await admin.CreateUserAsync("kira", limit: 2);
        using var before = new CampaignsClient(first.BaseUrl, key);
        var id = (await before.CreateCampaignAsync(BolnaNodeFixture.Campaign(await before.CreateContactsAsync(2))))["id"]!.GetValue<long>();
        await before.WaitForCampaignAsync(id, c => c["inProgressCalls"]!.GetValue<int>() == 2, TimeSpan.FromSeconds(30));
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while ((await before.ListItemsAsync(id)).Any(item => item["callId"] is null) && DateTime.UtcNow < deadline) await Task.Delay(100);

        await first.KillAsync();
        _bolna.WebhookUrls.Clear(); // nobody hears the calls end
        held.HangUpAll();
        while (_bolna.ActiveCalls > 0) await Task.Delay(50);
        var second = await StartNodeAsync();
        var ready = DateTimeOffset.UtcNow;

        using var after = new CampaignsClient(second.BaseUrl, key);
        var done = await after.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(60));
        var settled = DateTimeOffset.UtcNow - ready;
        TestContext.Current.TestOutputHelper?.WriteLine($"Restart: both calls settled {settled.TotalSeconds:F1} s after the node was ready");
        Assert.InRange(settled, TimeSpan.Zero, TimeSpan.FromSeconds(15));
        Assert.Equal(2, done["completedCalls"]!.GetValue<int>());
        Assert.Equal(0, (await after.GetAsync("api/me"))["activeCalls"]!.GetValue<int>());
        Assert.Equal(2, _bolna.Calls.Count);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await _bolna.DisposeAsync();
        _data.Dispose();
    }

    private async Task<NodeProcess> StartNodeAsync()
    {
        var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__DataPath"] = _data.Path,
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = WebhookSecret,
            ["Bolna__ApiKey"] = _bolna.ApiKey,
            ["Bolna__BaseUrl"] = _bolna.BaseUrl.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        _nodes.Add(node);
        _bolna.WebhookUrls.Add($"{node.BaseUrl}api/webhooks/bolna?token={WebhookSecret}");
        return node;
    }
}
