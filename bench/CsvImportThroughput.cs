using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// A generated CSV imported into a new campaign by one node in cluster mode (PostgreSQL): rows per second, the
/// node's peak memory, and, in the same run, the time <c>psql \copy</c> takes to load the same file into a plain table.
/// </summary>
internal static class CsvImportThroughput
{
    private const string AdminKey = "bench-admin";

    public static async Task RunAsync(IReadOnlyList<int> sizes)
    {
        await using var postgres = await PostgresServer.StartAsync();
        Console.WriteLine("CSV import: one node on PostgreSQL; each file into a new campaign, beside psql \\copy into a plain table");
        foreach (var rows in sizes)
        {
            var file = Path.Combine(Path.GetTempPath(), $"cc-bench-{rows}.csv");
            await GenerateAsync(file, rows);
            try
            {
                var database = await postgres.CreateDatabaseAsync("csv");
                await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
                {
                    ["ConnectionStrings__Postgres"] = database,
                    ["Auth__AdminKey"] = AdminKey,
                    ["Bolna__WebhookSecret"] = "bench",
                    ["Logging__LogLevel__Default"] = "Warning",
                    ["Logging__LogLevel__CallCampaigns.Api.Imports"] = "Information",
                });
                var before = node.PeakMemoryBytes;
                var (seconds, imported) = await ImportAsync(node, file);
                var peak = node.PeakMemoryBytes;
                var copy = await CopyAsync(postgres, database, file);
                foreach (var line in node.Log.Split('\n').Where(l => l.Contains("rows read", StringComparison.Ordinal))) Console.WriteLine($"    {line.Trim()}");
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {rows,9:N0} rows ({new FileInfo(file).Length / 1048576.0:F1} MB): imported {imported:N0} in {seconds:F2} s = {rows / seconds,9:N0} rows/s; " +
                    $"psql \\copy {copy:F2} s ({seconds / copy:F1}x); node peak memory {peak / 1048576.0:F0} MB (at start {before / 1048576.0:F0} MB)"));
            }
            finally
            {
                File.Delete(file);
            }
        }
    }

    private static async Task GenerateAsync(string file, int rows)
    {
        await using var writer = new StreamWriter(file, false, new UTF8Encoding(false), 1 << 16);
        await writer.WriteLineAsync("name,phone_number,plan");
        for (var i = 0; i < rows; i++)
        {
            await writer.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Person {i},+1415{2_000_000 + i},{(i % 3 == 0 ? "Pro" : "Basic")}"));
        }
    }

    private static async Task<(double Seconds, int Imported)> ImportAsync(NodeProcess node, string file)
    {
        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        using var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("bench", limit: 2));
        user.Http.Timeout = TimeSpan.FromMinutes(10);
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

    private static async Task<double> CopyAsync(PostgresServer postgres, string database, string file)
    {
        var builder = new Npgsql.NpgsqlConnectionStringBuilder(database);
        async Task Psql(string command)
        {
            var psql = Path.Combine(postgres.BinaryFolder, "psql");
            var start = new ProcessStartInfo(File.Exists(psql) ? psql : "psql")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            foreach (var arg in new[] { "-h", "127.0.0.1", "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", builder.Database!, "-v", "ON_ERROR_STOP=1", "-c", command })
            {
                start.ArgumentList.Add(arg);
            }

            using var process = Process.Start(start)!;
            await process.WaitForExitAsync();
            if (process.ExitCode != 0) throw new InvalidOperationException(await process.StandardError.ReadToEndAsync());
        }

        await Psql("CREATE TABLE plain_copy (name text, phone_number text, plan text)");
        var clock = Stopwatch.StartNew();
        await Psql($"\\copy plain_copy FROM '{file}' WITH (FORMAT csv, HEADER true)");
        return clock.Elapsed.TotalSeconds;
    }
}
