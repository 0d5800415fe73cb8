using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CallCampaigns.Testing;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CallCampaigns.Bench;

/// <summary>
/// A generated CSV imported into a new campaign, then the same numbers (without names, after their contacts got call
/// history) into a second campaign: on one node in cluster mode (PostgreSQL) and on the embedded SQLite ledger. Beside
/// it, in the same run, the floor: <c>psql \copy</c> loading the same rows straight into tables shaped as the import
/// leaves <c>contacts</c> and <c>queue_items</c> (same indexes and constraints). Also the node's memory over idle and
/// the answer times of webhooks sent while the imports run.
/// </summary>
internal static class CsvImportThroughput
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench";

    public static async Task RunAsync(IReadOnlyList<int> sizes, string ledgers)
    {
        await using var postgres = await PostgresServer.StartAsync();
        Console.WriteLine("CSV import: a file into a new campaign, then the same numbers into a second campaign after call history;");
        Console.WriteLine("  floor: psql \\copy of the same rows into tables shaped as contacts and queue_items (same indexes and constraints)");
        foreach (var rows in sizes)
        {
            var named = Path.Combine(Path.GetTempPath(), $"cc-bench-{rows}-named.csv");
            var bare = Path.Combine(Path.GetTempPath(), $"cc-bench-{rows}-bare.csv");
            await GenerateAsync(named, rows, withNames: true);
            await GenerateAsync(bare, rows, withNames: false);
            try
            {
                double? postgresSeconds = null;
                if (ledgers.Contains("postgres", StringComparison.OrdinalIgnoreCase))
                {
                    var database = await postgres.CreateDatabaseAsync("csv");
                    var run = await RunOnNodeAsync(rows, named, bare, new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = database },
                        async () =>
                        {
                            await using var connection = new NpgsqlConnection(database);
                            await connection.OpenAsync();
                            await using var command = new NpgsqlCommand(HistorySql, connection) { CommandTimeout = 600 };
                            await command.ExecuteNonQueryAsync();
                        });
                    var floor = await FloorAsync(postgres, database, rows);
                    postgresSeconds = run.First;
                    Print("PostgreSQL", rows, named, run);
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    floor (\\copy into contacts + queue_items shapes) {floor:F2} s: import {run.First / floor:F1}x the floor; re-import {run.Second / run.First:F2}x the first import ({run.Second / floor:F1}x the floor)"));
                }

                if (ledgers.Contains("sqlite", StringComparison.OrdinalIgnoreCase))
                {
                    var data = Directory.CreateTempSubdirectory("cc-bench-sqlite-").FullName;
                    try
                    {
                        var run = await RunOnNodeAsync(rows, named, bare, new Dictionary<string, string> { ["Storage__DataPath"] = data },
                            async () =>
                            {
                                await using var connection = new SqliteConnection($"Data Source={Path.Combine(data, "ledger.db")};Default Timeout=60");
                                await connection.OpenAsync();
                                await using var command = connection.CreateCommand();
                                command.CommandText = HistorySql;
                                command.CommandTimeout = 600;
                                await command.ExecuteNonQueryAsync();
                            });
                        Print("embedded SQLite", rows, named, run);
                        if (postgresSeconds is { } pg) Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    embedded import {run.First / pg:F2}x the PostgreSQL import"));
                    }
                    finally
                    {
                        Directory.Delete(data, recursive: true);
                    }
                }
            }
            finally
            {
                File.Delete(named);
                File.Delete(bare);
            }
        }
    }

    /// <summary>Call history for every contact: some connected calls, some not (both change the contact's priority).</summary>
    private const string HistorySql = "UPDATE contacts SET successful_calls = id % 5, not_connected_calls = CASE WHEN id % 7 = 0 THEN 1 ELSE 0 END";

    private sealed record Run(double First, double Second, long IdleBytes, long PeakBytes, string Webhooks, string Log);

    private static async Task<Run> RunOnNodeAsync(int rows, string named, string bare, Dictionary<string, string> environment, Func<Task> giveHistory)
    {
        environment["Auth__AdminKey"] = AdminKey;
        environment["Bolna__WebhookSecret"] = Secret;
        environment["Logging__LogLevel__Default"] = "Warning";
        environment["Logging__LogLevel__CallCampaigns.Api.Imports"] = "Information";
        await using var node = await NodeProcess.StartAsync(environment);
        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        using var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("bench", limit: 2));
        user.Http.Timeout = TimeSpan.FromMinutes(30);
        await Task.Delay(1000);
        var idle = node.MemoryBytes ?? 0;
        var latencies = new List<double>();
        var failures = new List<int>();
        using var stop = new CancellationTokenSource();
        var probing = ProbeWebhooksAsync(node, latencies, failures, stop.Token);
        var (first, imported) = await ImportAsync(user, named);
        if (imported != rows) throw new InvalidOperationException($"Imported {imported} of {rows}");
        await giveHistory();
        var (second, again) = await ImportAsync(user, bare);
        if (again != rows) throw new InvalidOperationException($"Re-imported {again} of {rows}");
        await stop.CancelAsync();
        await probing;
        return new Run(first, second, idle, node.PeakMemoryBytes ?? 0, (latencies.Count == 0 ? "none" : Percentiles.Describe(latencies)) +
            (failures.Count == 0 ? "; every one 2xx" : $"; {failures.Count} failed ({string.Join(", ", failures.Distinct())})"), node.Log);
    }

    private static void Print(string ledger, int rows, string file, Run run)
    {
        foreach (var line in run.Log.Split('\n').Where(l => l.Contains("rows read", StringComparison.Ordinal))) Console.WriteLine($"    {line.Trim()}");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {ledger}: {rows,9:N0} rows ({new FileInfo(file).Length / 1048576.0:F1} MB): new campaign {run.First:F2} s = {rows / run.First,9:N0} rows/s; " +
            $"same numbers into a second campaign {run.Second:F2} s; node memory idle {run.IdleBytes / 1048576.0:F0} MB, peak {run.PeakBytes / 1048576.0:F0} MB " +
            $"(+{(run.PeakBytes - run.IdleBytes) / 1048576.0:F0} MB)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    webhooks answered during the imports: {run.Webhooks}"));
    }

    /// <summary>A webhook for an unknown execution every 20 ms until stopped, each answer's time recorded.</summary>
    private static async Task ProbeWebhooksAsync(NodeProcess node, List<double> latencies, List<int> failures, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = node.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var hook = $"api/webhooks/bolna?token={Secret}";
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var body = new StringContent($$"""{"id":"bench-unknown-{{i}}","status":"completed"}""", Encoding.UTF8, "application/json");
            var clock = Stopwatch.StartNew();
            using var response = await http.PostAsync(hook, body, CancellationToken.None);
            latencies.Add(clock.Elapsed.TotalMilliseconds);
            if (!response.IsSuccessStatusCode) failures.Add((int)response.StatusCode);
            try
            {
                await Task.Delay(20, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private static async Task GenerateAsync(string file, int rows, bool withNames)
    {
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync(withNames ? "name,phone_number,plan" : "phone_number");
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteLineAsync(withNames
                ? string.Create(CultureInfo.InvariantCulture, $"Person {i},{Phone(i)},{Plan(i)}")
                : Phone(i));
        }
    }

    private static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+1415{2_000_000 + i}");

    private static string Plan(int i) => i % 3 == 0 ? "Pro" : "Basic";

    private static async Task<(double Seconds, int Imported)> ImportAsync(CampaignsClient user, string file)
    {
        await using var stream = File.OpenRead(file);
        using var content = new MultipartFormDataContent();
        var body = new StreamContent(stream, 1 << 16);
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        content.Add(body, "file", Path.GetFileName(file));
        content.Add(new StringContent("sim-sales-agent"), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        content.Add(new StringContent(DateTime.UtcNow.AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "startDate");

        var clock = Stopwatch.StartNew();
        using var response = await user.Http.PostAsync("api/campaigns/import", content);
        clock.Stop();
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"Import answered {(int)response.StatusCode}: {text}");
        return (clock.Elapsed.TotalSeconds, JsonNode.Parse(text)!["import"]!["imported"]!.GetValue<int>());
    }

    /// <summary>
    /// The floor: the rows as the import leaves them (a contact each, a queued item each in a campaign), loaded with
    /// <c>psql \copy</c> into copies of <c>contacts</c> and <c>queue_items</c> with their indexes, constraints and the
    /// item's reference to its campaign.
    /// </summary>
    private static async Task<double> FloorAsync(PostgresServer postgres, string database, int rows)
    {
        var contacts = Path.Combine(Path.GetTempPath(), $"cc-floor-contacts-{rows}.csv");
        var items = Path.Combine(Path.GetTempPath(), $"cc-floor-items-{rows}.csv");
        try
        {
            long campaignId;
            await using (var connection = new NpgsqlConnection(database))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand(
                    """
                    CREATE TABLE floor_contacts (LIKE contacts INCLUDING ALL);
                    CREATE TABLE floor_queue_items (LIKE queue_items INCLUDING ALL);
                    ALTER TABLE floor_queue_items ADD FOREIGN KEY (campaign_id) REFERENCES campaigns (id) ON DELETE CASCADE;
                    SELECT min(id) FROM campaigns;
                    """, connection);
                campaignId = (long)(await command.ExecuteScalarAsync())!;
            }

            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            await using (var writer = new StreamWriter(contacts, false, new UTF8Encoding(false), 1 << 16))
            await using (var queue = new StreamWriter(items, false, new UTF8Encoding(false), 1 << 16))
            {
                for (var i = 0; i < rows; i++)
                {
                    var id = 10_000_000 + i;
                    await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{id},bench,{Phone(i)},Person {i},\"{{\"\"plan\"\":\"\"{Plan(i)}\"\"}}\",{now},{now}"));
                    await queue.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{campaignId},bench,{id},{Phone(i)},Person {i},queued,100,{i + 1},{now + i},{now}"));
                }
            }

            var clock = Stopwatch.StartNew();
            await PsqlAsync(postgres, database, $"\\copy floor_contacts (id, user_id, phone_number, name, custom_fields, created_at, updated_at) FROM '{contacts}' WITH (FORMAT csv)");
            await PsqlAsync(postgres, database, $"\\copy floor_queue_items (campaign_id, user_id, contact_id, phone_number, contact_name, status, priority, position, scheduled_for, updated_at) FROM '{items}' WITH (FORMAT csv)");
            return clock.Elapsed.TotalSeconds;
        }
        finally
        {
            File.Delete(contacts);
            File.Delete(items);
        }
    }

    private static async Task PsqlAsync(PostgresServer postgres, string database, string command)
    {
        var builder = new NpgsqlConnectionStringBuilder(database);
        var psql = Path.Combine(postgres.BinaryFolder, "psql");
        var start = new ProcessStartInfo(File.Exists(psql) ? psql : "psql") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", builder.Database!, "-v", "ON_ERROR_STOP=1", "-c", command })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException(await error);
    }
}
