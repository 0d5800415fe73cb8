using System.Net;
using System.Net.Http.Json;

namespace CallCampaigns.Integration.Tests.EndToEnd;

/// <summary>
/// Cluster mode with real processes: two nodes on loopback against one PostgreSQL database, dialling a fake Bolna
/// that posts its webhooks to both nodes in turn.
/// </summary>
public sealed class ClusterModeTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const string AdminKey = "cluster-admin-key";
    private const string WebhookSecret = "cluster-webhook-secret";
    private readonly List<NodeProcess> _nodes = [];
    private FakeBolna _bolna = null!;

    public async ValueTask InitializeAsync() => _bolna = await FakeBolna.StartAsync();

    [Fact]
    public async Task Two_nodes_on_one_database_finish_two_users_campaigns_under_one_system_limit()
    {
        var database = await postgres.CreateDatabaseAsync("cluster");
        var first = await StartNodeAsync(database);
        var second = await StartNodeAsync(database);
        using var admin = new CampaignsClient(first.BaseUrl, AdminKey);
        await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = 3 });
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(400));

        using var alice = new CampaignsClient(first.BaseUrl, await admin.CreateUserAsync("alice", limit: 2));
        using var bob = new CampaignsClient(second.BaseUrl, await admin.CreateUserAsync("bob", limit: 2));
        var aliceCampaign = (await alice.CreateCampaignAsync(BolnaNodeFixture.Campaign(await alice.CreateContactsAsync(20))))["id"]!.GetValue<long>();
        var bobCampaign = (await bob.CreateCampaignAsync(BolnaNodeFixture.Campaign(await bob.CreateContactsAsync(20, numberBase: 100))))["id"]!.GetValue<long>();

        var aliceDone = await alice.WaitForCampaignAsync(aliceCampaign, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(120));
        var bobDone = await bob.WaitForCampaignAsync(bobCampaign, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(120));

        Assert.Equal(20, aliceDone["successfulCalls"]!.GetValue<int>());
        Assert.Equal(20, bobDone["successfulCalls"]!.GetValue<int>());
        Assert.Equal(40, _bolna.Calls.Count);
        Assert.Equal(40, _bolna.Calls.Select(c => c.RecipientPhoneNumber).Distinct().Count());
        Assert.InRange(_bolna.MaxConcurrentCalls, 1, 3);
        Assert.InRange(CampaignsClient.MaxOverlap(await alice.ListItemsAsync(aliceCampaign)), 1, 2);
        Assert.InRange(CampaignsClient.MaxOverlap(await bob.ListItemsAsync(bobCampaign)), 1, 2);
        var system = await admin.GetAsync("api/admin/system");
        Assert.Equal(0, system["activeCalls"]!.GetValue<int>());
        Assert.Equal(0, system["queuedCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_node_streams_live_events_of_a_campaign_whose_calls_run_anywhere_in_the_cluster()
    {
        var database = await postgres.CreateDatabaseAsync("events");
        var first = await StartNodeAsync(database);
        var second = await StartNodeAsync(database);
        using var admin = new CampaignsClient(first.BaseUrl, AdminKey);
        var key = await admin.CreateUserAsync("erin", limit: 2);
        using var onFirst = new CampaignsClient(first.BaseUrl, key);
        using var onSecond = new CampaignsClient(second.BaseUrl, key);
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(600));
        var contacts = await onFirst.CreateContactsAsync(10);
        var id = (await onFirst.CreateCampaignAsync(new
        {
            agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = contacts,
        }))["id"]!.GetValue<long>();

        var subscribed = new TaskCompletionSource();
        var listening = onSecond.ListenAsync(id, (name, data) =>
        {
            subscribed.TrySetResult(); // the stream's first event comes once it has subscribed
            return name == "campaign" && (string?)data["status"] == "completed";
        }, TimeSpan.FromSeconds(60));
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await onFirst.PostAsync($"api/campaigns/{id}/pause", null);
        await onFirst.PostAsync($"api/campaigns/{id}/resume", null);
        var events = await listening;

        Assert.Equal("campaign", events[0].Event);
        Assert.Contains(events, e => e.Event == "campaign" && (string?)e.Data["status"] == "paused");
        Assert.Contains(events, e => e.Event == "item" && (string?)e.Data["status"] == "dialing");
        Assert.Contains(events, e => e.Event == "item" && (string?)e.Data["status"] == "completed");
        var last = events[^1].Data;
        Assert.Equal("completed", (string?)last["status"]);
        Assert.Equal(10, last["counters"]!["successful"]!.GetValue<int>());
    }

    [Fact]
    public async Task The_dial_carries_the_agent_the_number_and_what_the_agent_should_know()
    {
        var node = await StartNodeAsync(await postgres.CreateDatabaseAsync("payload"));
        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        using var carol = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("carol", limit: 2));
        var contact = await carol.PostAsync("api/contacts", new
        {
            name = "Asha Rao",
            phoneNumber = "+442079460958",
            email = "asha@example.com",
            company = "Acme",
            customFields = new Dictionary<string, string> { ["plan"] = "Pro" },
        }, 201);
        var id = (await carol.CreateCampaignAsync(new
        {
            agentId = FakeBolna.AgentId,
            fromPhoneNumber = "+19876543007",
            nextAction = "Book a demo",
            firstCallTime = "00:00",
            lastCallTime = "00:00",
            pacing = "asap",
            contactIds = new[] { contact["id"]!.GetValue<long>() },
        }))["id"]!.GetValue<long>();
        await carol.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(60));

        var call = Assert.Single(_bolna.Calls);
        Assert.Equal(FakeBolna.AgentId, call.AgentId);
        Assert.Equal("+442079460958", call.RecipientPhoneNumber);
        Assert.Equal("+19876543007", call.FromPhoneNumber);
        var userData = call.Body["user_data"]!.AsObject();
        Assert.Equal("name: Asha Rao, email: asha@example.com, company: Acme", (string?)userData["summary"]);
        Assert.Equal("Book a demo", (string?)userData["next_action"]);
        Assert.Equal("Pro", (string?)userData["plan"]);
        Assert.False(call.Body["retry_config"]!["enabled"]!.GetValue<bool>());

        // The campaign completes when the line ends; the call's data follows with Bolna's 'completed' webhook.
        var item = await Eventually(async () => Assert.Single(await carol.ListItemsAsync(id)), i => (string?)i["outcome"] == "completed");
        Assert.Equal(call.ExecutionId, (string?)item["callId"]);
        Assert.Equal("completed", (string?)item["outcome"]);
        Assert.Equal(2.0, item["durationSeconds"]!.GetValue<double>());
        var updated = await carol.GetAsync($"api/contacts/{contact["id"]}");
        Assert.Equal(1, updated["successfulCalls"]!.GetValue<int>());
        Assert.Equal("Talked briefly.", (string?)updated["lastTranscriptSummary"]);
    }

    private static async Task<T> Eventually<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(100))
        {
            var value = await read();
            if (done(value) || DateTime.UtcNow > deadline) return value;
        }
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Killing_one_node_mid_campaign_on_the_shipped_defaults_its_campaigns_dial_again_within_30_seconds_keeping_every_limit_and_dialling_nobody_twice(int nodeCount)
    {
        var database = await postgres.CreateDatabaseAsync("failover");
        var nodes = new List<NodeProcess>();
        for (var i = 0; i < nodeCount; i++) nodes.Add(await StartNodeAsync(database));
        using var admin = new CampaignsClient(nodes[0].BaseUrl, AdminKey);
        await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = 4 });
        var durations = new Random(4242);
        _bolna.RedeliverFor = TimeSpan.FromSeconds(30); // Bolna retries a delivery the dead node refused (to the next node)
        _bolna.Script = _ =>
        {
            lock (durations) return FakeBolna.Answered(TimeSpan.FromMilliseconds(durations.Next(300, 900)));
        };

        var contacts = new List<(string Key, long[] Contacts)>();
        for (var i = 0; i < nodeCount; i++)
        {
            var key = await admin.CreateUserAsync($"user{i}", limit: 2);
            using var client = new CampaignsClient(nodes[i].BaseUrl, key);
            contacts.Add((key, await client.CreateContactsAsync(16, numberBase: i * 100)));
        }

        var users = new List<(string Key, long Campaign)>();
        for (var i = 0; i < nodeCount; i++)
        {
            using var client = new CampaignsClient(nodes[i].BaseUrl, contacts[i].Key);
            users.Add((contacts[i].Key, (await client.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts[i].Contacts)))["id"]!.GetValue<long>()));
        }

        await Eventually(() => Task.FromResult(_bolna.Calls.Count), dialled => dialled >= 3 * nodeCount && _bolna.ActiveCalls > 0);
        var killedAt = DateTimeOffset.UtcNow;
        await nodes[1].KillAsync();
        var gone = DateTimeOffset.UtcNow.AddMilliseconds(200); // a dial the dead node sent before it died may still arrive
        _bolna.WebhookUrls.RemoveAt(1); // the load balancer notices the dead node
        var survivor = nodes[0];

        foreach (var (key, campaign) in users)
        {
            using var client = new CampaignsClient(survivor.BaseUrl, key);
            var done = await client.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(150));
            Assert.Equal(16, done["completedCalls"]!.GetValue<int>());
            var items = await client.ListItemsAsync(campaign);
            Assert.All(items, item => Assert.Equal(1, item["attempts"]!.GetValue<int>()));
            Assert.InRange(CampaignsClient.MaxOverlap(items), 1, 2);
        }

        // Every user's campaign, wherever it ran, dials again from a survivor within 30 s of the kill.
        var calls = _bolna.Calls;
        var resumed = Enumerable.Range(0, nodeCount)
            .Where(user => calls.Count(c => UserOf(c) == user && c.At <= gone) < 16) // it had work left
            .Select(user => calls.Where(c => UserOf(c) == user && c.At > gone).Min(c => c.At) - killedAt)
            .DefaultIfEmpty()
            .Max();
        TestContext.Current.TestOutputHelper?.WriteLine($"{nodeCount} nodes: every campaign dialling again {resumed.TotalSeconds:F1} s after the kill");
        Assert.InRange(resumed, TimeSpan.Zero, TimeSpan.FromSeconds(30));
        Assert.Equal(16 * nodeCount, calls.Count);
        Assert.Equal(16 * nodeCount, calls.Select(c => c.RecipientPhoneNumber).Distinct().Count());
        Assert.InRange(_bolna.MaxConcurrentCalls, 1, 4);
        await Eventually(async () => (await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>(), active => active == 0);
        Assert.Equal(0, (await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>());
    }

    /// <summary>The user of a test number: contacts of user i are numbered from i x 100.</summary>
    private static int UserOf(ReceivedCall call) => int.Parse(call.RecipientPhoneNumber[^4..], System.Globalization.CultureInfo.InvariantCulture) / 100;

    [Fact]
    public async Task A_node_stopped_with_SIGTERM_leaves_the_cluster_and_its_campaign_dials_again_from_the_other_at_once()
    {
        var database = await postgres.CreateDatabaseAsync("sigterm");
        var staying = await StartNodeAsync(database);
        var leaving = await StartNodeAsync(database);
        using var admin = new CampaignsClient(staying.BaseUrl, AdminKey);
        var key = await admin.CreateUserAsync("ivan", limit: 2);
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(500));
        using var onLeaving = new CampaignsClient(leaving.BaseUrl, key);
        var id = (await onLeaving.CreateCampaignAsync(BolnaNodeFixture.Campaign(await onLeaving.CreateContactsAsync(14))))["id"]!.GetValue<long>();
        await Eventually(() => Task.FromResult(_bolna.Calls.Count), dialled => dialled >= 4);

        var stoppedAt = DateTimeOffset.UtcNow;
        Assert.Equal(0, await leaving.StopAsync(TimeSpan.FromSeconds(45)));
        var stopped = DateTimeOffset.UtcNow;
        _bolna.WebhookUrls.RemoveAt(1);

        using var onStaying = new CampaignsClient(staying.BaseUrl, key);
        var done = await onStaying.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(90));
        Assert.Equal(14, done["completedCalls"]!.GetValue<int>());
        Assert.All(await onStaying.ListItemsAsync(id), item => Assert.Equal(1, item["attempts"]!.GetValue<int>()));
        var calls = _bolna.Calls;
        Assert.Equal(14, calls.Select(c => c.RecipientPhoneNumber).Distinct().Count());
        Assert.Equal(14, calls.Count);
        var firstAfter = calls.Where(c => c.At > stopped).Min(c => c.At);
        TestContext.Current.TestOutputHelper?.WriteLine($"SIGTERM: stopped in {(stopped - stoppedAt).TotalSeconds:F1} s; dialling again {(firstAfter - stopped).TotalSeconds:F1} s after");
        Assert.InRange(firstAfter - stopped, TimeSpan.Zero, TimeSpan.FromSeconds(10));
        Assert.InRange(stopped - stoppedAt, TimeSpan.Zero, TimeSpan.FromSeconds(45));
    }

    [Fact]
    public async Task A_cluster_node_listens_only_on_its_advertised_address_for_HTTP_and_silo_traffic_and_opens_no_gateway()
    {
        var node = await StartNodeAsync(await postgres.CreateDatabaseAsync("ports"));

        var listening = node.ListeningEndpoints();

        Assert.Equal(
            new[] { $"127.0.0.1:{node.BaseUrl.Port}", $"127.0.0.1:{node.SiloPort}" }.Order(),
            listening.Distinct().Order());
    }

    [Fact]
    public async Task Through_a_PostgreSQL_restart_nodes_stay_up_readiness_says_503_then_200_within_15_seconds_and_the_campaign_carries_on()
    {
        await using var server = await PostgresServer.StartAsync();
        var database = await server.CreateDatabaseAsync("restart");
        var first = await StartNodeAsync(database);
        var second = await StartNodeAsync(database);
        using var admin = new CampaignsClient(first.BaseUrl, AdminKey);
        using var user = new CampaignsClient(first.BaseUrl, await admin.CreateUserAsync("jana", limit: 2));
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(700));
        _bolna.RedeliverFor = TimeSpan.FromMinutes(1); // deliveries answered 503 during the outage come again
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(await user.CreateContactsAsync(16))))["id"]!.GetValue<long>();
        await Eventually(() => Task.FromResult(_bolna.Calls.Count), dialled => dialled >= 3);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };

        await server.StopAsync();
        foreach (var node in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadinessAsync(http, node, until: HttpStatusCode.ServiceUnavailable, within: TimeSpan.FromSeconds(15)));
        }

        await Task.Delay(TimeSpan.FromSeconds(8));
        await server.StartAgainAsync();
        var back = DateTimeOffset.UtcNow;
        foreach (var node in new[] { first, second })
        {
            Assert.Equal(HttpStatusCode.OK, await ReadinessAsync(http, node, until: HttpStatusCode.OK, within: TimeSpan.FromSeconds(15) - (DateTimeOffset.UtcNow - back)));
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"PostgreSQL back: both nodes ready {(DateTimeOffset.UtcNow - back).TotalSeconds:F1} s later");

        var done = await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(120));
        Assert.False(first.HasExited);
        Assert.False(second.HasExited);
        Assert.Equal(16, done["completedCalls"]!.GetValue<int>());
        Assert.All(await user.ListItemsAsync(id), item => Assert.Equal(1, item["attempts"]!.GetValue<int>()));
        Assert.Equal(16, _bolna.Calls.Select(c => c.RecipientPhoneNumber).Distinct().Count());
        Assert.Equal(16, _bolna.Calls.Count);
    }

    /// <summary>Polls <c>/health/ready</c> until it answers <paramref name="until"/> or the time is up; returns the last answer.</summary>
    private static async Task<HttpStatusCode> ReadinessAsync(HttpClient http, NodeProcess node, HttpStatusCode until, TimeSpan within)
    {
        var deadline = DateTime.UtcNow + within;
        HttpStatusCode status = 0;
        do
        {
            try
            {
                using var response = await http.GetAsync(new Uri(node.BaseUrl, "health/ready"));
                status = response.StatusCode;
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                status = 0;
            }

            if (status == until) return status;
            await Task.Delay(200);
        }
        while (DateTime.UtcNow < deadline);

        return status;
    }

    [Fact]
    public async Task A_webhook_stored_by_a_node_that_died_before_applying_it_is_applied_once_by_the_other_node()
    {
        var database = await postgres.CreateDatabaseAsync("inbox");
        var storing = await StartNodeAsync(database, new Dictionary<string, string> { ["Engine__InboxAppliers"] = "0" });
        var applying = await StartNodeAsync(database);
        _bolna.WebhookUrls.Clear();
        _bolna.WebhookUrls.Add($"{storing.BaseUrl}api/webhooks/bolna?token={WebhookSecret}");
        _bolna.WebhookCopies = 2;
        _bolna.Script = _ =>
        [
            new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "in-progress"), new(TimeSpan.Zero, "call-disconnected"),
            new(TimeSpan.Zero, "completed", body => body["conversation_duration"] = 17),
        ];
        using var admin = new CampaignsClient(storing.BaseUrl, AdminKey);
        var key = await admin.CreateUserAsync("gita", limit: 1);
        using var onStoring = new CampaignsClient(storing.BaseUrl, key);
        var contacts = await onStoring.CreateContactsAsync(1);
        var id = (await onStoring.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!(_bolna.Calls.Count == 1 && _bolna.ActiveCalls == 0) && DateTime.UtcNow < deadline) await Task.Delay(50);
        await Task.Delay(300); // the last deliveries' answers

        await storing.KillAsync();
        using var onApplying = new CampaignsClient(applying.BaseUrl, key);
        var done = await onApplying.WaitForCampaignAsync(id, c => c["successfulCalls"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(30));
        // The line's end counts the call; its final data ('completed') may be applied a moment later.
        var item = await Eventually(async () => Assert.Single(await onApplying.ListItemsAsync(id)), i => i["durationSeconds"] is not null);

        Assert.Equal(0, done["inProgressCalls"]!.GetValue<int>());
        Assert.Equal(17.0, item["durationSeconds"]!.GetValue<double>());
        Assert.Equal(1, (await onApplying.GetAsync($"api/contacts/{contacts[0]}"))["successfulCalls"]!.GetValue<int>());
        Assert.Single(_bolna.Calls);
    }

    [Fact]
    public async Task While_PostgreSQL_is_down_webhooks_answer_503_and_once_it_is_back_they_are_applied_once()
    {
        await using var server = await PostgresServer.StartAsync();
        var node = await StartNodeAsync(await server.CreateDatabaseAsync("outage"));
        var hangUp = new TaskCompletionSource();
        _bolna.Script = _ => FakeBolna.AnsweredUntil(hangUp.Task);
        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        using var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("hari", limit: 1));
        var contacts = await user.CreateContactsAsync(1);
        var id = (await user.CreateCampaignAsync(BolnaNodeFixture.Campaign(contacts)))["id"]!.GetValue<long>();
        await user.WaitForCampaignAsync(id, c => c["inProgressCalls"]!.GetValue<int>() == 1, TimeSpan.FromSeconds(30));
        while (_bolna.Calls.Count == 0) await Task.Delay(20);
        var ended = _bolna.WebhookBody(_bolna.Calls[0], "completed");
        ended["conversation_duration"] = 25;
        using var http = new HttpClient();
        var hook = $"{node.BaseUrl}api/webhooks/bolna?token={WebhookSecret}";

        await server.StopAsync();
        using (var refused = await http.PostAsJsonAsync(hook, ended))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.True(refused.Headers.RetryAfter is not null);
        }

        await server.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        HttpStatusCode status;
        do
        {
            await Task.Delay(200);
            using var retried = await http.PostAsJsonAsync(hook, ended); // Bolna retries a delivery that was not answered 2xx
            status = retried.StatusCode;
        }
        while (status != HttpStatusCode.Accepted && DateTime.UtcNow < deadline);

        Assert.Equal(HttpStatusCode.Accepted, status);
        var done = await user.WaitForCampaignAsync(id, c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(60));
        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
        Assert.Equal(1, (await user.GetAsync($"api/contacts/{contacts[0]}"))["successfulCalls"]!.GetValue<int>());
        hangUp.SetResult();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes) await node.DisposeAsync();
        await _bolna.DisposeAsync();
    }

    private async Task<NodeProcess> StartNodeAsync(string database, IReadOnlyDictionary<string, string>? settings = null)
    {
        var node = await NodeProcess.StartAsync(new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
        {
            ["ConnectionStrings__Postgres"] = database,
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
