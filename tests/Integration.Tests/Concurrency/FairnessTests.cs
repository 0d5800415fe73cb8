namespace CallCampaigns.Integration.Tests.Concurrency;

/// <summary>
/// Round-robin sharing of system slots between users (the seed's example), through the HTTP API of one node
/// dialling a fake Bolna whose calls stay on the line until the test hangs them up.
/// </summary>
public sealed class FairnessTests : IAsyncLifetime
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private readonly TempFolder _data = new();
    private readonly HeldCalls _held = new();
    private FakeBolna _bolna = null!;
    private EmbeddedNode _node = null!;
    private CampaignsClient _admin = null!;

    public async ValueTask InitializeAsync()
    {
        _bolna = await FakeBolna.StartAsync();
        _bolna.Script = _held.Script;
        _node = await EmbeddedNode.StartAsync(_data.Path, new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = _bolna.ApiKey,
            ["Bolna:BaseUrl"] = _bolna.BaseUrl.ToString(),
            ["Limits:SystemConcurrency"] = "1",
        });
        _bolna.WebhookUrls.Add($"{_node.BaseUrl}api/webhooks/bolna?token={_node.WebhookSecret}");
        _admin = _node.Admin();
    }

    [Fact]
    public async Task Ten_free_slots_for_three_users_wanting_five_each_go_four_three_three_and_a_freed_one_to_who_waited_longest()
    {
        // Z holds the only system slot while A, B and C line up, in that order, wanting five each.
        await StartCampaignAsync("z", limit: 1, contacts: 1, numberBase: 0);
        await WaitForCallsAsync(1);
        foreach (var (user, numberBase) in new[] { ("a", 1000), ("b", 2000), ("c", 3000) })
        {
            await StartCampaignAsync(user, limit: 5, contacts: 10, numberBase);
        }

        await _admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = 11 });
        await WaitForCallsAsync(11);
        Assert.Equal(new Dictionary<string, int> { ["z"] = 1, ["a"] = 4, ["b"] = 3, ["c"] = 3 }, await ActiveCallsAsync());

        // A's call ends: B was served longest ago (A had the tenth slot, C the ninth, B the eighth).
        _held.HangUp(_bolna.Calls.First(call => Owner(call) == "a"));
        await WaitForCallsAsync(12, live: 11);
        Assert.Equal("b", Owner(_bolna.Calls[^1]));
        Assert.Equal(new Dictionary<string, int> { ["z"] = 1, ["a"] = 3, ["b"] = 4, ["c"] = 3 }, await ActiveCallsAsync());
    }

    [Fact]
    public async Task One_user_with_a_thousand_queued_items_cannot_starve_another_with_one()
    {
        await _admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = 2 });
        await StartCampaignAsync("big", limit: 2, contacts: 1000, numberBase: 0);
        await WaitForCallsAsync(2);
        await StartCampaignAsync("small", limit: 1, contacts: 1, numberBase: 5000);

        _held.HangUp(_bolna.Calls[0]);
        await WaitForCallsAsync(3, live: 2);

        Assert.Equal("small", Owner(_bolna.Calls[2]));
    }

    [Fact]
    public async Task A_raised_limit_starts_waiting_calls_at_once_and_a_lowered_one_cuts_no_call_in_flight()
    {
        await _admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = 10 });
        await StartCampaignAsync("d", limit: 1, contacts: 6, numberBase: 0);
        await WaitForCallsAsync(1);

        await _admin.SendAsync(HttpMethod.Put, "api/admin/users/d/limits", new { concurrentCallsLimit = 4 });
        await WaitForCallsAsync(4);

        await _admin.SendAsync(HttpMethod.Put, "api/admin/users/d/limits", new { concurrentCallsLimit = 1 });
        Assert.Equal(4, (await ActiveCallsAsync())["d"]);
        _held.HangUp(_bolna.Calls[0]);
        _held.HangUp(_bolna.Calls[1]);
        await Until(async () => (await ActiveCallsAsync())["d"] == 2);
        await Task.Delay(300, TestContext.Current.CancellationToken);
        Assert.Equal(4, _bolna.Calls.Count);
    }

    public async ValueTask DisposeAsync()
    {
        _held.HangUpAll();
        _admin.Dispose();
        await _node.DisposeAsync();
        await _bolna.DisposeAsync();
        _data.Dispose();
    }

    /// <summary>A user's number range is their id: 0-999 the first user's, 1000-1999 the next...</summary>
    private readonly Dictionary<int, string> _owners = [];

    private string Owner(ReceivedCall call) => _owners[int.Parse(call.RecipientPhoneNumber[^4..], System.Globalization.CultureInfo.InvariantCulture) / 1000 * 1000];

    private async Task StartCampaignAsync(string user, int limit, int contacts, int numberBase)
    {
        _owners[numberBase] = user;
        using var client = new CampaignsClient(_node.BaseUrl, await _admin.CreateUserAsync(user, limit));
        await client.CreateCampaignAsync(new
        {
            agentId = FakeBolna.AgentId,
            firstCallTime = "00:00",
            lastCallTime = "00:00",
            pacing = "asap",
            contactIds = await client.CreateContactsAsync(contacts, numberBase),
        });
    }

    private async Task<Dictionary<string, int>> ActiveCallsAsync()
    {
        var system = await _admin.GetAsync("api/admin/system");
        return system["users"]!.AsArray().Where(u => (string)u!["id"]! != "demo").ToDictionary(u => (string)u!["id"]!, u => u!["activeCalls"]!.GetValue<int>());
    }

    private Task WaitForCallsAsync(int dialled, int? live = null) =>
        Until(() => Task.FromResult(_bolna.Calls.Count >= dialled && _bolna.ActiveCalls == (live ?? dialled)));

    private static async Task Until(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Within;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("The condition did not hold in time");
            await Task.Delay(20);
        }
    }
}
