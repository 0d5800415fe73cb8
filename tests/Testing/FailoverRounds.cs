using System.Globalization;

namespace CallCampaigns.Testing;

/// <summary>One kill: which node, after how many dials of the round, how long until every user's campaign dialled again.</summary>
public sealed record FailoverRound(int Victim, int DialsBeforeKill, TimeSpan? Resumed, int DoubleDials, bool Finished);

/// <summary>Every round, and the most calls in flight the fake Bolna saw beside the system limit.</summary>
public sealed record FailoverReport(IReadOnlyList<FailoverRound> Rounds, int MaxInFlight, int Limit);

/// <summary>
/// Kills one node of a cluster mid-campaign (<c>kill -9</c>), on the shipped defaults, round after round (seeded):
/// each round starts a campaign per user (one user per node, each through its own node), kills a random node after
/// a random number of dials, measures the time until every user's campaign dials again (the dead node's campaigns
/// are the last to), starts the node again, waits for every campaign to complete and counts contacts dialled twice.
/// Real node processes, a fake Bolna that counts calls in flight from dial to line end.
/// </summary>
public static class FailoverRounds
{
    private const string AdminKey = "failover-admin";
    private const string Secret = "failover-secret";

    public static async Task<FailoverReport> RunAsync(
        string database, int nodeCount, int kills, int seed, int contactsPerUser = 24, Action<string>? log = null)
    {
        var plan = new Random(seed); // which node dies after how many dials: the same for a seed
        var durations = new Random(seed + 1);
        await using var bolna = await FakeBolna.StartAsync();
        bolna.RedeliverFor = TimeSpan.FromSeconds(30); // Bolna retries a delivery the dead node refused (to the next node)
        bolna.Script = _ =>
        {
            lock (durations) return FakeBolna.Answered(TimeSpan.FromMilliseconds(durations.Next(500, 1500)));
        };

        var nodes = new NodeProcess?[nodeCount];
        var rounds = new List<FailoverRound>();
        var limit = 2 * nodeCount - 1; // users of limit 2 each: the system limit binds
        try
        {
            for (var i = 0; i < nodeCount; i++) nodes[i] = await StartAsync(database, bolna);
            using var admin = new CampaignsClient(nodes[0]!.BaseUrl, AdminKey);
            await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = limit });
            var users = new List<(string Key, long[] Contacts)>();
            for (var u = 0; u < nodeCount; u++)
            {
                var key = await admin.CreateUserAsync($"user{u}", limit: 2);
                using var client = new CampaignsClient(nodes[u]!.BaseUrl, key);
                users.Add((key, await client.CreateContactsAsync(contactsPerUser, numberBase: u * 100)));
            }

            for (var round = 0; round < kills; round++)
            {
                var roundStart = DateTimeOffset.UtcNow;
                var campaigns = new List<long>();
                for (var u = 0; u < nodeCount; u++)
                {
                    using var client = new CampaignsClient(nodes[u]!.BaseUrl, users[u].Key);
                    campaigns.Add((await client.CreateCampaignAsync(new
                    {
                        agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = users[u].Contacts,
                    }))["id"]!.GetValue<long>());
                }

                var dialsBeforeKill = plan.Next(2 * nodeCount, contactsPerUser * nodeCount / 2);
                var victim = plan.Next(nodeCount);

                while (bolna.Calls.Count(c => c.At >= roundStart) < dialsBeforeKill) await Task.Delay(20);
                var killedAt = DateTimeOffset.UtcNow;
                await nodes[victim]!.KillAsync();
                var gone = DateTimeOffset.UtcNow.AddMilliseconds(200); // a dial the dead node sent before it died may still arrive
                bolna.WebhookUrls.Remove(Hook(nodes[victim]!));
                var resumed = await WaitUntilEveryCampaignDialsAsync(bolna, nodeCount, contactsPerUser, roundStart, killedAt, gone);

                await nodes[victim]!.DisposeAsync();
                nodes[victim] = null;
                nodes[victim] = await StartAsync(database, bolna);
                var finished = true;
                for (var u = 0; u < nodeCount; u++)
                {
                    using var client = new CampaignsClient(nodes[(victim + 1) % nodeCount]!.BaseUrl, users[u].Key);
                    try
                    {
                        await client.WaitForCampaignAsync(campaigns[u], c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(180));
                    }
                    catch (TimeoutException)
                    {
                        finished = false;
                    }
                }

                var doubles = bolna.Calls.Where(c => c.At >= roundStart).GroupBy(c => c.RecipientPhoneNumber).Sum(g => g.Count() - 1);
                rounds.Add(new FailoverRound(victim, dialsBeforeKill, resumed, doubles, finished));
                log?.Invoke(string.Create(CultureInfo.InvariantCulture,
                    $"{nodeCount} nodes, kill {round + 1}: node {victim} after {dialsBeforeKill} dials; every campaign dialling again after {resumed?.TotalSeconds:F1} s; double dials {doubles}; completed {finished}"));
            }

            return new FailoverReport(rounds, bolna.MaxConcurrentCalls, limit);
        }
        finally
        {
            foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
        }
    }

    /// <summary>
    /// The time from the kill until every user's campaign with work left dialled again from a survivor (a dial seen
    /// after <paramref name="gone"/>); null if one did not within 2 minutes.
    /// </summary>
    private static async Task<TimeSpan?> WaitUntilEveryCampaignDialsAsync(
        FakeBolna bolna, int nodeCount, int contactsPerUser, DateTimeOffset roundStart, DateTimeOffset killedAt, DateTimeOffset gone)
    {
        var waiting = Enumerable.Range(0, nodeCount).ToHashSet();
        var latest = TimeSpan.Zero;
        while (waiting.Count > 0 && DateTimeOffset.UtcNow < killedAt.AddMinutes(2))
        {
            var calls = bolna.Calls;
            foreach (var u in waiting.ToArray())
            {
                var mine = calls.Where(c => c.At >= roundStart && UserOf(c) == u).ToArray();
                var after = mine.Where(c => c.At > gone).ToArray();
                if (after.Length > 0)
                {
                    waiting.Remove(u);
                    var first = after.Min(c => c.At) - killedAt;
                    if (first > latest) latest = first;
                }
                else if (mine.Length >= contactsPerUser)
                {
                    waiting.Remove(u); // nothing was left to dial
                }
            }

            await Task.Delay(50);
        }

        return waiting.Count == 0 ? latest : null;
    }

    /// <summary>The user of a number: user i's contacts are numbered from i x 100.</summary>
    private static int UserOf(ReceivedCall call) => int.Parse(call.RecipientPhoneNumber[^4..], CultureInfo.InvariantCulture) / 100;

    private static string Hook(NodeProcess node) => $"{node.BaseUrl}api/webhooks/bolna?token={Secret}";

    private static async Task<NodeProcess> StartAsync(string database, FakeBolna bolna)
    {
        var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = Secret,
            ["Bolna__ApiKey"] = bolna.ApiKey,
            ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        bolna.WebhookUrls.Add(Hook(node));
        return node;
    }
}
