using System.Globalization;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// Kills of one of 2 and of 3 nodes mid-campaign, on the shipped defaults (<see cref="FailoverRounds"/>): <c>kill -9</c>
/// after some dials, and the node dying at each named kill point. Per cluster size and per way of dying: the time from
/// each kill until the dead node's campaigns dial again, the most calls in flight at the fake Bolna beside the limit,
/// contacts dialled twice for one attempt, rounds that did not complete, and calls that did not end successful.
/// </summary>
internal static class Failover
{
    public static async Task RunAsync(int kills, int seed, IReadOnlyList<int> clusterSizes)
    {
        await using var postgres = await PostgresServer.StartAsync();
        Console.WriteLine($"Failover on the shipped defaults: {kills} kills of one node per cluster size, seed {seed}");
        foreach (var nodes in clusterSizes)
        {
            var report = await FailoverRounds.RunAsync(
                await postgres.CreateDatabaseAsync("failover"), nodes, kills, seed + nodes, log: line => Console.WriteLine("    " + line));
            Console.WriteLine($"  {nodes} nodes (limit {report.Limit}):");
            Describe("all", report.Rounds, report.Limit);
            foreach (var kind in report.Rounds.GroupBy(r => r.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)) Describe(kind.Key, kind.ToList(), report.Limit);
            var missed = report.Rounds.Count(r => !r.PointReached && r.Planned != FailoverRounds.AfterDials);
            if (missed > 0) Console.WriteLine($"    ({missed} rounds armed a point the node did not reach within the deadline: killed after dials instead)");
        }
    }

    private static void Describe(string kind, IReadOnlyList<FailoverRound> rounds, int limit)
    {
        var resumed = rounds.Select(r => (r.Resumed ?? TimeSpan.FromMinutes(2)).TotalMilliseconds).ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    {kind,-20} {rounds.Count,3} kills; kill -> dialling again: {Percentiles.Describe(resumed)}; " +
            $"most in flight {rounds.Max(r => r.MaxInFlight)} (limit {limit}); double dials {rounds.Sum(r => r.DoubleDials)}; " +
            $"not resumed within 2 min {rounds.Count(r => r.Resumed is null)}; not completed {rounds.Count(r => !r.Finished)}; calls not successful {rounds.Sum(r => r.Unsuccessful)}"));
    }
}
