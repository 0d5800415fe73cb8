using CallCampaigns.Testing.Fuzz;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>
/// Every route with generated input mutated from valid requests (<see cref="RouteFuzz"/>), through HTTP on a real
/// node, in both modes: 2xx with everything written or 4xx with a detail and nothing written, never 5xx, and the
/// user's lists still answer 200. Seed <see cref="RouteFuzz.DefaultSeed"/>, <see cref="Cases"/> cases per route;
/// <c>bench fuzz --cases N --seed S</c> runs more.
/// </summary>
public sealed class RouteProperties(PostgresFixture postgres)
{
    private static readonly int Cases = int.TryParse(Environment.GetEnvironmentVariable("CALLCAMPAIGNS_FUZZ_CASES"), out var n) ? n : 8;

    [Fact]
    public async Task Every_route_holds_the_property_on_the_embedded_sqlite_ledger()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        await CheckAsync(node);
    }

    [Fact]
    public async Task Every_route_holds_the_property_on_postgresql()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("fuzz"),
            ["Auth:AdminKey"] = "fuzz-admin",
            ["Bolna:WebhookSecret"] = "fuzz-webhook",
        });
        await CheckAsync(node);
    }

    private static async Task CheckAsync(EmbeddedNode node)
    {
        var reports = await RouteFuzz.RunAsync(node.BaseUrl, node.AdminKey, node.WebhookSecret, RouteFuzz.DefaultSeed, Cases);
        var output = TestContext.Current.TestOutputHelper;
        foreach (var report in reports) output?.WriteLine(report.ToString());
        var failures = reports.SelectMany(r => r.Failures.Select(f => $"{r.Route} {f}")).ToArray();
        Assert.True(failures.Length == 0, $"{failures.Length} cases broke the property:\n{string.Join("\n", failures.Take(20))}");
        Assert.All(reports, r => Assert.Equal(Cases, r.Cases));
    }
}
