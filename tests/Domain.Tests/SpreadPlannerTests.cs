namespace CallCampaigns.Domain.Tests;

public sealed class SpreadPlannerTests
{
    private static readonly CallWindow NineToSix = new(new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", new DateOnly(2026, 11, 25), null);

    [Fact]
    public void Items_are_spread_evenly_over_the_window_from_its_start()
    {
        var times = Plan(NineToSix, 3, new DateTimeOffset(2026, 11, 25, 7, 0, 0, TimeSpan.Zero));
        Assert.Equal(
            [new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero)],
            times);
    }

    [Fact]
    public void A_campaign_started_mid_window_keeps_the_days_plan_and_what_has_passed_is_due_at_once()
    {
        var times = Plan(NineToSix, 3, new DateTimeOffset(2026, 11, 25, 16, 0, 0, TimeSpan.Zero));
        Assert.Equal(
            [new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 15, 0, 0, TimeSpan.Zero)],
            times);
    }

    [Fact]
    public void A_campaign_starting_on_a_later_day_is_spread_over_that_days_window() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 27, 12, 0, 0, TimeSpan.Zero),
            Plan(NineToSix with { StartDate = new DateOnly(2026, 11, 27) }, 3, new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero))[1]);

    [Fact]
    public void A_campaign_created_after_the_window_closed_spreads_over_the_next_day() =>
        Assert.Equal(new DateTimeOffset(2026, 11, 26, 9, 0, 0, TimeSpan.Zero), Plan(NineToSix, 1, new DateTimeOffset(2026, 11, 25, 19, 0, 0, TimeSpan.Zero))[0]);

    /// <summary>The not-before time of each of <paramref name="count"/> items, in dispatch order.</summary>
    private static IReadOnlyList<DateTimeOffset> Plan(CallWindow window, int count, DateTimeOffset from)
    {
        var (begin, interval) = SpreadPlanner.Layout(window, count, from);
        return Enumerable.Range(0, count).Select(i => begin + (interval * i)).ToArray();
    }
}

public sealed class SpreadLayoutTests
{
    [Fact]
    public void The_layout_is_the_window_start_and_its_length_over_the_items()
    {
        var window = new CallWindow(new TimeOnly(22, 0), new TimeOnly(2, 0), "UTC", new DateOnly(2026, 11, 25), null);
        var (begin, interval) = SpreadPlanner.Layout(window, 8, new DateTimeOffset(2026, 11, 25, 23, 0, 0, TimeSpan.Zero));
        Assert.Equal((new DateTimeOffset(2026, 11, 25, 22, 0, 0, TimeSpan.Zero), TimeSpan.FromMinutes(30)), (begin, interval));
    }
}
