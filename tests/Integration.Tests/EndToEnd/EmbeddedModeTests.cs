namespace CallCampaigns.Integration.Tests.EndToEnd;

/// <summary>The embedded default, through its HTTP API: one process, SQLite ledger, the built-in simulator.</summary>
public sealed class EmbeddedModeTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_campaign_of_20_contacts_completes_through_the_simulator_within_the_user_limit()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var admin = node.Admin();
        using var alice = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("alice", limit: 2));
        var contacts = await alice.CreateContactsAsync(20);

        var created = await alice.CreateCampaignAsync(AsapCampaign(contacts));
        var id = created["id"]!.GetValue<long>();
        var done = await alice.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);

        Assert.Equal(20, done["totalContacts"]!.GetValue<int>());
        Assert.Equal(20, done["completedCalls"]!.GetValue<int>());
        Assert.Equal(20, done["successfulCalls"]!.GetValue<int>() + done["failedCalls"]!.GetValue<int>());
        Assert.Equal(0, done["queuedCalls"]!.GetValue<int>());
        Assert.Equal(0, done["inProgressCalls"]!.GetValue<int>());
        var items = await alice.ListItemsAsync(id);
        Assert.All(items, item => Assert.Contains((string)item["status"]!, new[] { "completed", "failed" }));
        Assert.All(items, item => Assert.Equal(1, item["attempts"]!.GetValue<int>()));
        Assert.InRange(CampaignsClient.MaxOverlap(items), 1, 2);
        var me = await alice.GetAsync("api/me");
        Assert.Equal(0, me["activeCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_restarted_node_keeps_its_data_and_finishes_the_running_campaign()
    {
        using var data = new TempFolder();
        long id;
        string key;
        var slowCalls = new Dictionary<string, string?> { ["Simulator:SpeedFactor"] = "20", ["Engine:StaleCallAfter"] = "00:00:02" };
        await using (var first = await EmbeddedNode.StartAsync(data.Path, slowCalls))
        {
            using var admin = first.Admin();
            key = await admin.CreateUserAsync("bob", limit: 2);
            using var bob = new CampaignsClient(first.BaseUrl, key);
            id = (await bob.CreateCampaignAsync(AsapCampaign(await bob.CreateContactsAsync(20))))["id"]!.GetValue<long>();
            await bob.WaitForCampaignAsync(id, c => c["completedCalls"]!.GetValue<int>() >= 4, Within);
        }

        await using var second = await EmbeddedNode.StartAsync(data.Path, slowCalls);
        using var again = new CampaignsClient(second.BaseUrl, key);
        var done = await again.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", Within);

        Assert.Equal(20, done["completedCalls"]!.GetValue<int>());
        var items = await again.ListItemsAsync(id);
        Assert.Equal(20, items.Count);
        Assert.All(items, item => Assert.Equal(1, item["attempts"]!.GetValue<int>()));
        Assert.Equal(20, (await again.GetAsync("api/contacts?pageSize=200"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await again.GetAsync("api/me"))["activeCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_demo_user_is_ready_on_first_start_and_keeps_its_key_across_restarts()
    {
        using var data = new TempFolder();
        string? firstKey;
        await using (var first = await EmbeddedNode.StartAsync(data.Path))
        {
            firstKey = first.DemoUserKey;
            using var demo = new CampaignsClient(first.BaseUrl, firstKey!);
            Assert.Equal("demo", (string?)(await demo.GetAsync("api/me"))["id"]);
        }

        await using var second = await EmbeddedNode.StartAsync(data.Path);
        Assert.Equal(firstKey, second.DemoUserKey);
        using var again = new CampaignsClient(second.BaseUrl, firstKey!);
        Assert.Equal(2, (await again.GetAsync("api/me"))["concurrentCallsLimit"]!.GetValue<int>());
    }

    internal static object AsapCampaign(long[] contacts) => new
    {
        agentId = "sim-sales-agent",
        firstCallTime = "00:00",
        lastCallTime = "00:00",
        pacing = "asap",
        contactIds = contacts,
    };
}
