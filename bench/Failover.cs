using System.Globalization;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// Kills one node of a cluster mid-campaign (<c>kill -9</c>), on the shipped defaults, again and again: per kill,
/// the time from the kill until every user's campaign dials again (the dead node's campaigns are the last to), the
/// most calls in flight seen at the fake Bolna beside the system limit, and contacts dialled twice for one attempt.
/// The killed node is started again before the next round. Real node processes on a private PostgreSQL.
/// </summary>
internal static class Failover
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench-secret";
    private const int ContactsPerUser = 24;

    public static async Task RunAsync(int kills, int seed)
    {
        await using var postgres = await PostgresServer.StartAsync();
        Console.WriteLine($"Failover on the shipped defaults: {kills} kills of one node, seed {seed}");
        foreach (var nodes in new[] { 2, 3 })
        {
            var result = await MeasureAsync(await postgres.CreateDatabaseAsync("failover"), nodes, kills, new Random(seed + nodes));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {nodes} nodes: kill -> dialling again: {Percentiles.Describe(result.Resumed)}; " +
                $"most in flight {result.MaxInFlight} (limit {result.Limit}); double dials {result.DoubleDials}; rounds unfinished {result.Unfinished}"));
        }
    }

    private sealed record Result(List<double> Resumed, int MaxInFlight, int Limit, int DoubleDials, int Unfinished);

    private static async Task<Result> MeasureAsync(string database, int nodeCount, int kills, Random random)
    {
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ =>
        {
            lock (random) return FakeBolna.Answered(TimeSpan.FromMilliseconds(random.Next(500, 1500)));
        };

        var nodes = new NodeProcess?[nodeCount];
        var resumed = new List<double>();
        var doubleDials = 0;
        var unfinished = 0;
        var limit = 2 * nodeCount - 1;
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
                users.Add((key, await client.CreateContactsAsync(ContactsPerUser, numberBase: u * 100)));
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

                // Kill at a random point of the round's first half.
                var dialsBeforeKill = random.Next(2 * nodeCount, ContactsPerUser * nodeCount / 2);
                while (bolna.Calls.Count(c => c.At >= roundStart) < dialsBeforeKill) await Task.Delay(20);
                var victim = random.Next(nodeCount);
                var killedAt = DateTimeOffset.UtcNow;
                await nodes[victim]!.KillAsync();
                var victimHook = Hook(nodes[victim]!);
                bolna.WebhookUrls.Remove(victimHook);

                // Every user's campaign that still has work dials again.
                var deadline = killedAt.AddSeconds(120);
                var waiting = Enumerable.Range(0, nodeCount).ToHashSet();
                var latest = TimeSpan.Zero;
                while (waiting.Count > 0 && DateTimeOffset.UtcNow < deadline)
                {
                    var calls = bolna.Calls;
                    foreach (var u in waiting.ToArray())
                    {
                        var mine = calls.Where(c => c.At >= roundStart && UserOf(c) == u).ToArray();
                        var after = mine.Where(c => c.At > killedAt).ToArray();
                        if (after.Length > 0)
                        {
                            waiting.Remove(u);
                            var first = after.Min(c => c.At) - killedAt;
                            if (first > latest) latest = first;
                        }
                        else if (mine.Length >= ContactsPerUser)
                        {
                            waiting.Remove(u); // nothing was left to dial
                        }
                    }

                    await Task.Delay(50);
                }

                resumed.Add(waiting.Count > 0 ? (deadline - killedAt).TotalMilliseconds : latest.TotalMilliseconds);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"    {nodeCount} nodes, kill {round + 1}: node {victim} after {dialsBeforeKill} dials; campaigns dial again {resumed[^1] / 1000:F1} s later"));

                nodes[victim] = await StartAsync(database, bolna);
                var survivor = nodes[(victim + 1) % nodeCount]!;
                for (var u = 0; u < nodeCount; u++)
                {
                    using var client = new CampaignsClient(survivor.BaseUrl, users[u].Key);
                    try
                    {
                        await client.WaitForCampaignAsync(campaigns[u], c => (string?)c["status"] == "completed", TimeSpan.FromSeconds(180));
                    }
                    catch (TimeoutException)
                    {
                        unfinished++;
                    }
                }

                doubleDials += bolna.Calls.Where(c => c.At >= roundStart).GroupBy(c => c.RecipientPhoneNumber).Sum(g => g.Count() - 1);
            }

            return new Result(resumed, bolna.MaxConcurrentCalls, limit, doubleDials, unfinished);
        }
        finally
        {
            foreach (var node in nodes) if (node is not null) await node.DisposeAsync();
        }
    }

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
