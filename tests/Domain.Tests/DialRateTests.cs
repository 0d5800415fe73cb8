using CallCampaigns.Domain.Concurrency;

namespace CallCampaigns.Domain.Tests;

public sealed class DialRateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(500, 1, new[] { 500 })]
    [InlineData(500, 2, new[] { 250, 250 })]
    [InlineData(500, 3, new[] { 167, 167, 166 })]
    [InlineData(2, 3, new[] { 1, 1, 0 })]
    [InlineData(1, 3, new[] { 1, 0, 0 })]
    public void The_nodes_shares_of_one_turn_add_up_to_the_account_rate(int callsPerMinute, int nodes, int[] shares) =>
        Assert.Equal(shares, Enumerable.Range(0, nodes).Select(rank => DialRate.Share(callsPerMinute, nodes, rank, turn: 0)));

    [Fact]
    public void The_part_left_over_when_the_rate_does_not_divide_goes_round_the_nodes_turn_by_turn()
    {
        var holders = Enumerable.Range(0, 3).Select(turn => Enumerable.Range(0, 3).Single(rank => DialRate.Share(1, 3, rank, turn) == 1));

        Assert.Equal([0, 2, 1], holders);
    }

    [Fact]
    public void Three_nodes_sharing_500_a_minute_send_500_together_in_a_minute()
    {
        var nodes = Enumerable.Range(0, 3).Select(_ => new DialRate(500)).ToArray();
        for (var rank = 0; rank < 3; rank++) nodes[rank].ShareAmong(3, rank, Start);

        // A minute into the turn: the shares the nodes had before it (one node alone: all of it) no longer count.
        var from = Start + DialRate.Window;
        var sent = nodes.Sum(node => Enumerable.Range(0, 1000).Count(i => node.TryTake(from + TimeSpan.FromMilliseconds(i * 50)) is null));

        Assert.Equal(500, sent);
    }

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 3)]
    [InlineData(1, 3)]
    [InlineData(5, 3)]
    [InlineData(4, 5)]
    public void Nodes_dialling_as_fast_as_they_may_for_an_hour_never_send_more_than_the_account_rate_in_any_minute_and_each_gets_to_dial(int callsPerMinute, int nodeCount)
    {
        var nodes = Enumerable.Range(0, nodeCount).Select(_ => new DialRate(callsPerMinute)).ToArray();
        for (var rank = 0; rank < nodeCount; rank++) nodes[rank].ShareAmong(nodeCount, rank, Start);
        var sent = new List<(DateTimeOffset At, int Node)>();

        for (var at = Start; at < Start.AddHours(1); at += TimeSpan.FromSeconds(1))
        {
            for (var node = 0; node < nodeCount; node++)
            {
                if (nodes[node].TryTake(at) is null) sent.Add((at, node));
            }
        }

        var mostInAMinute = sent.Max(call => sent.Count(other => other.At > call.At - DialRate.Window && other.At <= call.At));
        Assert.InRange(mostInAMinute, 1, callsPerMinute);
        Assert.All(Enumerable.Range(0, nodeCount), node => Assert.Contains(sent, call => call.Node == node));
    }

    [Fact]
    public void A_node_whose_share_is_nothing_this_turn_is_told_when_it_may_have_one()
    {
        var rate = new DialRate(1);
        rate.ShareAmong(3, Enumerable.Range(0, 3).First(rank => DialRate.Share(1, 3, rank, DialRate.TurnAt(Start)) == 0), Start);

        var wait = rate.TryTake(Start.AddMinutes(1));

        Assert.Equal(0, rate.Limit);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromSeconds(1), DialRate.Turn + DialRate.Window);
    }

    [Fact]
    public void A_dial_beyond_the_share_waits_until_the_oldest_dial_of_the_minute_leaves_it()
    {
        var rate = new DialRate(2);
        Assert.Null(rate.TryTake(Start));
        Assert.Null(rate.TryTake(Start.AddSeconds(10)));

        Assert.Equal(TimeSpan.FromSeconds(40), rate.TryTake(Start.AddSeconds(20)));
        Assert.Null(rate.TryTake(Start.AddSeconds(60)));
    }

    [Fact]
    public void A_node_joining_lowers_the_share_at_once_counting_the_dials_of_the_last_minute()
    {
        var rate = new DialRate(4);
        for (var i = 0; i < 3; i++) Assert.Null(rate.TryTake(Start.AddSeconds(i)));

        rate.ShareAmong(2, 0, Start.AddSeconds(5));

        Assert.Equal(2, rate.Limit);
        Assert.NotNull(rate.TryTake(Start.AddSeconds(6)));
    }

    [Fact]
    public void A_node_leaving_raises_the_share_only_after_a_minute_because_it_may_have_sent_its_own_just_before()
    {
        var rate = new DialRate(4);
        rate.ShareAmong(2, 0, Start);

        rate.ShareAmong(1, 0, Start.AddSeconds(10));

        Assert.Equal(2, rate.Limit);
        Assert.Null(rate.TryTake(Start.AddSeconds(11)));
        Assert.Null(rate.TryTake(Start.AddSeconds(12)));
        Assert.NotNull(rate.TryTake(Start.AddSeconds(13)));
        Assert.Null(rate.TryTake(Start.AddSeconds(70)));
        Assert.Equal(4, rate.Limit);
    }
}
