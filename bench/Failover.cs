using System.Globalization;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// <c>kill -9</c> of one of 2 and of 3 nodes mid-campaign, on the shipped defaults (<see cref="FailoverRounds"/>):
/// the time from each kill until the dead node's campaigns dial again, the most calls in flight at the fake Bolna
/// beside the limit, and contacts dialled twice for one attempt.
/// </summary>
internal static class Failover
{
    public static async Task RunAsync(int kills, int seed)
    {
        await using var postgres = await PostgresServer.StartAsync();
        Console.WriteLine($"Failover on the shipped defaults: {kills} kills of one node per cluster size, seed {seed}");
        foreach (var nodes in new[] { 2, 3 })
        {
            var report = await FailoverRounds.RunAsync(
                await postgres.CreateDatabaseAsync("failover"), nodes, kills, seed + nodes, log: line => Console.WriteLine("    " + line));
            var resumed = report.Rounds.Select(r => (r.Resumed ?? TimeSpan.FromMinutes(2)).TotalMilliseconds).ToArray();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {nodes} nodes: kill -> dialling again: {Percentiles.Describe(resumed)}; " +
                $"most in flight {report.MaxInFlight} (limit {report.Limit}); double dials {report.Rounds.Sum(r => r.DoubleDials)}; " +
                $"rounds not resumed within 2 min {report.Rounds.Count(r => r.Resumed is null)}; rounds not completed {report.Rounds.Count(r => !r.Finished)}"));
        }
    }
}
