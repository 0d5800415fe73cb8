using System.Collections.Concurrent;
using System.Diagnostics;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// Webhooks handled per second by one node in cluster mode (PostgreSQL), and the latency of each answer, beside the
/// same load on the node's bare liveness endpoint (answers 200 without work) in the same run. Every call gets
/// Bolna's five webhooks in order (initiated, ringing, in-progress, call-disconnected, completed); calls are worked
/// on by concurrent senders, as Bolna delivers many calls' webhooks at once.
/// </summary>
internal static class WebhookThroughput
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench-secret";
    private static readonly string[] Statuses = ["initiated", "ringing", "in-progress", "call-disconnected", "completed"];

    public static async Task RunAsync(int calls, int campaigns, int senders)
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ => [];
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync("webhooks"),
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = Secret,
            ["Bolna__ApiKey"] = bolna.ApiKey,
            ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Bolna__CallsPerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        });

        Console.WriteLine($"Webhook throughput: one node on PostgreSQL, {calls} calls x {Statuses.Length} webhooks, {campaigns} campaigns, {senders} concurrent senders");
        await PrepareCallsAsync(node, bolna, calls, campaigns);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders });

        await LoadAsync(senders, calls, async _ => (await http.GetAsync(new Uri(node.BaseUrl, "health/live"))).Dispose());
        var bare = await LoadAsync(senders, calls * Statuses.Length, async _ =>
        {
            using var response = await http.GetAsync(new Uri(node.BaseUrl, "health/live"));
            response.EnsureSuccessStatusCode();
        });
        Console.WriteLine($"  bare endpoint : {bare.PerSecond,8:F0} requests/s   {Percentiles.Describe(bare.Latencies)}");

        // Bodies are made before the clock starts, so the sender spends its time sending.
        var hook = new Uri(node.BaseUrl, $"api/webhooks/bolna?token={Secret}");
        var bodies = bolna.Calls.Select(call => Statuses.Select(status =>
        {
            var body = bolna.WebhookBody(call, status);
            if (status == "completed") body["conversation_duration"] = 30;
            return System.Text.Encoding.UTF8.GetBytes(body.ToJsonString());
        }).ToArray()).ToArray();

        // The first fifth warms the node up (JIT, prepared statements, grain activations) and is not counted.
        var warmUp = bodies.Length / 5;
        var work = new ConcurrentQueue<byte[][]>(bodies.Take(warmUp));
        await LoadAsync(senders, warmUp, Send, perUnit: Statuses.Length);
        work = new ConcurrentQueue<byte[][]>(bodies.Skip(warmUp));
        var webhooks = await LoadAsync(senders, bodies.Length - warmUp, Send, perUnit: Statuses.Length);
        Console.WriteLine($"  webhooks      : {webhooks.PerSecond,8:F0} webhooks/s   {Percentiles.Describe(webhooks.Latencies)}   (after {warmUp * Statuses.Length} to warm up)");

        async Task Send(Func<Func<Task>, Task> record)
        {
            if (!work.TryDequeue(out var bodies)) return;
            foreach (var body in bodies)
            {
                await record(async () =>
                {
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
                    using var response = await http.PostAsync(hook, content);
                    if ((int)response.StatusCode != 200) throw new InvalidOperationException($"Webhook answered {(int)response.StatusCode}");
                });
            }
        }

        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        var system = await admin.GetAsync("api/admin/system");
        Console.WriteLine($"  after the run : {system["activeCalls"]} calls in flight, {system["queuedCalls"]} queued (expected 0 and 0)");
    }

    /// <summary>Puts <paramref name="calls"/> calls in flight at the fake Bolna, spread over several campaigns.</summary>
    private static async Task PrepareCallsAsync(NodeProcess node, FakeBolna bolna, int calls, int campaigns)
    {
        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = calls });
        var perCampaign = calls / campaigns;
        for (var c = 0; c < campaigns; c++)
        {
            using var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync($"user{c}", limit: Math.Min(1000, perCampaign)));
            var contacts = await user.CreateContactsAsync(perCampaign, numberBase: c * perCampaign);
            await user.CreateCampaignAsync(new { agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = contacts });
        }

        var deadline = DateTime.UtcNow.AddMinutes(5);
        while (bolna.Calls.Count < perCampaign * campaigns)
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Only {bolna.Calls.Count} calls dialled");
            await Task.Delay(100);
        }
    }

    private sealed record Load(double PerSecond, IReadOnlyCollection<double> Latencies);

    /// <summary>
    /// Runs <paramref name="units"/> units of work on <paramref name="senders"/> concurrent senders; each unit times
    /// its requests through the recorder it is given (or is timed whole when it does not use it).
    /// </summary>
    private static async Task<Load> LoadAsync(int senders, int units, Func<Func<Func<Task>, Task>, Task> unit, int perUnit = 1)
    {
        var latencies = new ConcurrentBag<double>();
        async Task Record(Func<Task> request)
        {
            var started = Stopwatch.GetTimestamp();
            await request();
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < units) await unit(Record);
        })));
        clock.Stop();
        return new Load(units * perUnit / clock.Elapsed.TotalSeconds, latencies);
    }

    private static Task<Load> LoadAsync(int senders, int requests, Func<int, Task> request) =>
        LoadAsync(senders, requests, record => record(() => request(0)));
}
