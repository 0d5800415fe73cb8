using CallCampaigns.Grains;

namespace CallCampaigns.Integration.Tests.EndToEnd;

/// <summary>The short, seeded version of <c>bench failover</c>: a kill at each named point and one after dials, with restarts, on the shipped defaults.</summary>
public sealed class FailoverRoundsTests(PostgresFixture postgres)
{
    [Fact]
    public async Task Seeded_kills_of_one_of_three_nodes_at_each_named_point_keep_the_system_limit_dial_nobody_twice_and_every_campaign_dials_again_within_30_seconds_and_completes()
    {
        var report = await FailoverRounds.RunAsync(
            await postgres.CreateDatabaseAsync("chaos"), nodeCount: 3, kills: 4, seed: 20261201, contactsPerUser: 12,
            log: line => TestContext.Current.TestOutputHelper?.WriteLine(line), everyPoint: true);

        Assert.InRange(report.Rounds.Count, 4, 7);
        Assert.All(report.Rounds, round =>
        {
            Assert.NotNull(round.Resumed);
            Assert.InRange(round.Resumed.Value, TimeSpan.Zero, TimeSpan.FromSeconds(30));
            Assert.Equal(0, round.DoubleDials);
            Assert.True(round.Finished);
            Assert.Equal(0, round.Unsuccessful);
            Assert.InRange(round.MaxInFlight, 0, report.Limit);
        });
        Assert.All([FailoverRounds.AfterDials, .. FailoverRounds.NamedPoints], kind => Assert.Contains(kind, report.Rounds.Select(r => r.Kind)));
        Assert.InRange(report.MaxInFlight, 1, report.Limit);
    }

    [Fact]
    public void The_rounds_arm_the_products_own_kill_points() =>
        Assert.Equal(KillPoints.All, FailoverRounds.NamedPoints);
}
