namespace CallCampaigns.Domain.Tests;

public sealed class QueuePlanTests
{
    private static readonly CallWindow NineToSix = new(new TimeOnly(9, 0), new TimeOnly(18, 0), "UTC", new DateOnly(2026, 11, 25), null);
    private static readonly DateTimeOffset Morning = new(2026, 11, 25, 7, 0, 0, TimeSpan.Zero);

    private static readonly PriorityFacts Bare = PriorityFacts.Of(null, null, null, 0, 0);
    private static readonly PriorityFacts Named = PriorityFacts.Of("Asha", null, null, 0, 0);

    [Fact]
    public void As_soon_as_possible_items_get_their_priority_and_no_not_before_time()
    {
        var plan = QueuePlan.Plan(Pacing.Asap, NineToSix, [Bare, Named], Morning);

        Assert.Equal([new PlannedItem(0, null), new PlannedItem(100, null)], plan);
        Assert.Null(QueuePlan.Spread(Pacing.Asap, NineToSix, 2, Morning));
    }

    [Fact]
    public void Spread_items_get_their_times_by_their_place_in_dispatch_order_not_by_join_order()
    {
        // Joined: bare, named, bare. Dispatch order: named, then the two bare ones in join order.
        var plan = QueuePlan.Plan(Pacing.Spread, NineToSix, [Bare, Named, Bare], Morning);

        Assert.Equal(
            [At(12), At(9), At(15)],
            plan.Select(item => item.NotBefore!.Value));
        Assert.Equal([0, 100, 0], plan.Select(item => item.Priority));
    }

    [Fact]
    public void The_set_based_layout_gives_the_same_times_as_the_plan()
    {
        var layout = QueuePlan.Spread(Pacing.Spread, NineToSix, 3, Morning)!.Value;
        var plan = QueuePlan.Plan(Pacing.Spread, NineToSix, [Bare, Bare, Bare], Morning);

        Assert.Equal(plan.Select(item => item.NotBefore!.Value), Enumerable.Range(0, 3).Select(layout.At));
        Assert.Equal([At(9), At(12), At(15)], Enumerable.Range(0, 3).Select(layout.At));
    }

    private static DateTimeOffset At(int hour) => new(2026, 11, 25, hour, 0, 0, TimeSpan.Zero);
}
