using System.Diagnostics;
using System.Net.Http.Json;
using System.Threading.Channels;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// How fast a freed slot reaches the next waiting call: the time from sending a line-ending webhook to the next
/// <c>POST /call</c> arriving at the fake Bolna, with one slot in the whole system so that every release is
/// followed by exactly one dial. Measured on one node and on a three-node cluster (webhooks spread over the nodes),
/// both on PostgreSQL, with real node processes.
/// </summary>
internal static class SlotHandoff
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench-secret";

    public static async Task RunAsync(int releases)
    {
        await using var postgres = await PostgresServer.StartAsync();
        Console.WriteLine($"Slot hand-off: line-ending webhook sent -> next POST /call at Bolna, {releases} releases each");
        foreach (var nodes in new[] { 1, 3 })
        {
            var figures = await MeasureAsync(await postgres.CreateDatabaseAsync("handoff"), nodes, releases);
            Console.WriteLine($"  {nodes} node(s): {Percentiles.Describe(figures)}");
        }
    }

    private static async Task<List<double>> MeasureAsync(string database, int nodeCount, int releases)
    {
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ => [];
        var arrivals = Channel.CreateUnbounded<(ReceivedCall Call, long At)>();
        bolna.Received = call => arrivals.Writer.TryWrite((call, Stopwatch.GetTimestamp()));

        var nodes = new List<NodeProcess>();
        try
        {
            for (var i = 0; i < nodeCount; i++)
            {
                nodes.Add(await NodeProcess.StartAsync(new Dictionary<string, string>
                {
                    ["ConnectionStrings__Postgres"] = database,
                    ["Auth__AdminKey"] = AdminKey,
                    ["Bolna__WebhookSecret"] = Secret,
                    ["Bolna__ApiKey"] = bolna.ApiKey,
                    ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
                    ["Bolna__CallsPerMinute"] = "100000", // measure the engine, not Bolna's 500/min request limit
                    ["Logging__LogLevel__Default"] = "Warning",
                }));
            }

            using var admin = new CampaignsClient(nodes[0].BaseUrl, AdminKey);
            await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = 1 });
            using var user = new CampaignsClient(nodes[0].BaseUrl, await admin.CreateUserAsync("bench", limit: 1));
            var contacts = await user.CreateContactsAsync(releases + 1);
            await user.CreateCampaignAsync(new { agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = contacts });

            using var http = new HttpClient();
            var hooks = nodes.Select(n => $"{n.BaseUrl}api/webhooks/bolna?token={Secret}").ToArray();
            var figures = new List<double>(releases);
            var (current, _) = await arrivals.Reader.ReadAsync();
            for (var i = 0; i < releases; i++)
            {
                var sent = Stopwatch.GetTimestamp();
                using (var response = await http.PostAsJsonAsync(hooks[i % hooks.Length], bolna.WebhookBody(current, "call-disconnected")))
                {
                    response.EnsureSuccessStatusCode();
                }

                var (next, at) = await arrivals.Reader.ReadAsync();
                figures.Add(Stopwatch.GetElapsedTime(sent, at).TotalMilliseconds);
                if (figures[^1] > 1000) Console.WriteLine($"    slow hand-off #{i}: {figures[^1]:F0} ms");
                current = next;
            }

            return figures;
        }
        finally
        {
            foreach (var node in nodes) await node.DisposeAsync();
        }
    }
}
