namespace CallCampaigns.Domain.Tests;

public sealed class DialRateTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(500, 1, 500)]
    [InlineData(500, 2, 250)]
    [InlineData(500, 3, 166)]
    [InlineData(2, 3, 1)]
    public void Each_node_dials_at_most_the_account_rate_divided_by_the_number_of_nodes(int callsPerMinute, int nodes, int share) =>
        Assert.Equal(share, DialRate.Share(callsPerMinute, nodes));

    [Fact]
    public void Three_nodes_sharing_500_a_minute_send_at_most_498_together_in_any_minute()
    {
        var nodes = Enumerable.Range(0, 3).Select(_ => new DialRate(500)).ToArray();
        foreach (var node in nodes) node.ShareAmong(3, Start);

        var sent = nodes.Sum(node => Enumerable.Range(0, 1000).Count(i => node.TryTake(Start + TimeSpan.FromMilliseconds(i * 50)) is null));

        Assert.Equal(498, sent);
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

        rate.ShareAmong(2, Start.AddSeconds(5));

        Assert.Equal(2, rate.Limit);
        Assert.NotNull(rate.TryTake(Start.AddSeconds(6)));
    }

    [Fact]
    public void A_node_leaving_raises_the_share_only_after_a_minute_because_it_may_have_sent_its_own_just_before()
    {
        var rate = new DialRate(4);
        rate.ShareAmong(2, Start);

        rate.ShareAmong(1, Start.AddSeconds(10));

        Assert.Equal(2, rate.Limit);
        Assert.Null(rate.TryTake(Start.AddSeconds(11)));
        Assert.Null(rate.TryTake(Start.AddSeconds(12)));
        Assert.NotNull(rate.TryTake(Start.AddSeconds(13)));
        Assert.Null(rate.TryTake(Start.AddSeconds(70)));
        Assert.Equal(4, rate.Limit);
    }
}
