using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Nodes;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// Webhooks taken in per second by one node, and the latency of each answer (202 once the delivery is stored),
/// beside the same load on the node's bare liveness endpoint (200 without work) in the same run, on PostgreSQL
/// (cluster mode) and on the embedded SQLite ledger. Every call gets Bolna's five webhooks in order (initiated,
/// ringing, in-progress, call-disconnected, completed); calls are worked on by concurrent senders, as Bolna
/// delivers many calls' webhooks at once. Also: how long the appliers took to apply everything after the last
/// answer, and (PostgreSQL) the inbox's size per million calls before and after its retention deleted it.
/// </summary>
internal static class WebhookThroughput
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench-secret";
    private static readonly string[] Statuses = ["initiated", "ringing", "in-progress", "call-disconnected", "completed"];

    public static async Task RunAsync(int calls, int campaigns, int senders, string ledger)
    {
        Console.WriteLine($"Webhook throughput: one node, {calls} calls x {Statuses.Length} webhooks, {campaigns} campaigns, {senders} concurrent senders");
        if (ledger is "both" or "postgres")
        {
            await using var postgres = await PostgresServer.StartAsync();
            var database = await postgres.CreateDatabaseAsync("webhooks");
            await MeasureAsync("PostgreSQL", new() { ["ConnectionStrings__Postgres"] = database }, calls, campaigns, senders);
            await ReportRetentionAsync(database, calls);
        }

        if (ledger is "both" or "sqlite")
        {
            var data = Directory.CreateTempSubdirectory("cc-bench-").FullName;
            try
            {
                await MeasureAsync("SQLite", new() { ["Storage__DataPath"] = data }, calls, campaigns, senders);
            }
            finally
            {
                Directory.Delete(data, recursive: true);
            }
        }
    }

    private static async Task MeasureAsync(string name, Dictionary<string, string> ledger, int calls, int campaigns, int senders)
    {
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ => [];
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>(ledger)
        {
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = Secret,
            ["Dialer__Mode"] = "Bolna",
            ["Bolna__ApiKey"] = bolna.ApiKey,
            ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Bolna__CallsPerMinute"] = "100000",
            ["Logging__LogLevel__Default"] = "Warning",
        });

        Console.WriteLine($"  {name}:");
        await PrepareCallsAsync(node, bolna, calls, campaigns);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders });

        await LoadAsync(senders, calls, async _ => (await http.GetAsync(new Uri(node.BaseUrl, "health/live"))).Dispose());
        var bare = await LoadAsync(senders, calls * Statuses.Length, async _ =>
        {
            using var response = await http.GetAsync(new Uri(node.BaseUrl, "health/live"));
            response.EnsureSuccessStatusCode();
        });
        Console.WriteLine($"    bare endpoint : {bare.PerSecond,8:F0} requests/s   {Percentiles.Describe(bare.Latencies)}");

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
        var answered = Stopwatch.StartNew();
        Console.WriteLine($"    webhooks      : {webhooks.PerSecond,8:F0} webhooks/s   {Percentiles.Describe(webhooks.Latencies)}   (after {warmUp * Statuses.Length} to warm up)");
        Console.WriteLine($"    ratio         : {webhooks.PerSecond / bare.PerSecond:P1} of the bare endpoint's rate (goal >= 25% at p99 <= 50 ms)");

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
                    if ((int)response.StatusCode != 202) throw new InvalidOperationException($"Webhook answered {(int)response.StatusCode}");
                });
            }
        }

        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        var deadline = DateTime.UtcNow.AddMinutes(5);
        JsonObject system;
        while ((system = await admin.GetAsync("api/admin/system"))["activeCalls"]!.GetValue<int>() > 0 && DateTime.UtcNow < deadline) await Task.Delay(100);
        Console.WriteLine($"    applied       : every line's end {answered.Elapsed.TotalSeconds:F1} s after the last answer; {system["activeCalls"]} calls in flight, {system["queuedCalls"]} queued (expected 0 and 0)");

        // Leaves the cluster, so that the retention's node does not wait for this one to be declared dead.
        await node.StopAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>The inbox's rows and bytes per million calls as the run left it, then after its retention ran.</summary>
    private static async Task ReportRetentionAsync(string database, int calls)
    {
        var before = await InboxSizeAsync(database);
        await using (var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = database,
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = Secret,
            ["Engine__WebhookRetention"] = "00:00:00",
            ["Engine__RetentionSweepPeriod"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
        }))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((await InboxSizeAsync(database)).Rows > 0 && DateTime.UtcNow < deadline) await Task.Delay(500);
        }

        var after = await InboxSizeAsync(database);
        double PerMillion(long value) => value * 1_000_000.0 / calls;
        Console.WriteLine($"    inbox size    : {PerMillion(before.Rows):F0} rows, {PerMillion(before.Bytes) / (1 << 20):F0} MB per million calls as stored; " +
                          $"{PerMillion(after.Rows):F0} rows, {PerMillion(after.Bytes) / (1 << 20):F0} MB after the retention (shipped: 30 days)");
    }

    private static async Task<(long Rows, long Bytes)> InboxSizeAsync(string database)
    {
        await using var connection = new Npgsql.NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand("SELECT count(*), coalesce(sum(pg_column_size(e.*)), 0)::bigint FROM call_events e", connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
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
