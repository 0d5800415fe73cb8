using System.Diagnostics;
using System.Globalization;
using CallCampaigns.Testing;
using CallCampaigns.Testing.Fuzz;

namespace CallCampaigns.Bench;

/// <summary>
/// The routes' property (<see cref="RouteFuzz"/>) with many more cases than <c>dotnet test</c> runs: a node process on
/// each ledger (PostgreSQL, embedded SQLite), every route's generated cases through HTTP, and per route the cases,
/// 2xx/4xx counts and every failure with its case number and input.
/// </summary>
internal static class RouteFuzzRun
{
    private const string AdminKey = "fuzz-admin";
    private const string Secret = "fuzz-webhook";

    public static async Task<int> RunAsync(int cases, string seed, string ledgers)
    {
        var failures = 0;
        Console.WriteLine($"fuzz: seed {seed}, {cases} cases per route");
        if (ledgers.Contains("postgres", StringComparison.OrdinalIgnoreCase))
        {
            await using var postgres = await PostgresServer.StartAsync();
            failures += await OnNodeAsync("PostgreSQL", cases, seed, new Dictionary<string, string> { ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync("fuzz") });
        }

        if (ledgers.Contains("sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var data = Directory.CreateTempSubdirectory("cc-bench-fuzz-").FullName;
            try
            {
                failures += await OnNodeAsync("embedded SQLite", cases, seed, new Dictionary<string, string> { ["Storage__DataPath"] = data });
            }
            finally
            {
                Directory.Delete(data, recursive: true);
            }
        }

        Console.WriteLine(failures == 0 ? "fuzz: no failures" : $"fuzz: {failures} failures");
        return failures == 0 ? 0 : 1;
    }

    private static async Task<int> OnNodeAsync(string ledger, int cases, string seed, Dictionary<string, string> environment)
    {
        environment["Auth__AdminKey"] = AdminKey;
        environment["Bolna__WebhookSecret"] = Secret;
        environment["Logging__LogLevel__Default"] = "Warning";
        await using var node = await NodeProcess.StartAsync(environment);
        var clock = Stopwatch.StartNew();
        var reports = await RouteFuzz.RunAsync(node.BaseUrl, AdminKey, Secret, seed, cases);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {ledger} ({clock.Elapsed.TotalSeconds:F0} s):"));
        Console.WriteLine($"    {"route",-72} {"cases",6} {"2xx",6} {"4xx",6} {"fail",5}");
        foreach (var r in reports) Console.WriteLine($"    {r.Route,-72} {r.Cases,6} {r.Success,6} {r.Refused,6} {r.Failures.Count,5}");
        foreach (var r in reports)
        {
            foreach (var failure in r.Failures) Console.WriteLine($"    FAIL {r.Route} {failure}");
        }

        return reports.Sum(r => r.Failures.Count);
    }
}
