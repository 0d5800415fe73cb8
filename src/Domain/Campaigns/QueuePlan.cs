using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Campaigns;

/// <summary>
/// The queue's plan, the one definition every writer uses (contacts added to a campaign, a CSV import joining, an
/// edit re-planning the queue). An item's priority comes from its contact when it joins (<see cref="Priority"/>);
/// dispatch order is priority descending, then join order; with spread pacing the item at place i of that order is
/// not called before <c>begin + i × interval</c> (<see cref="SpreadPlanner"/>). The set-based writers number the
/// places in SQL over the same order (the ledger's <c>DispatchOrder</c>) and take the layout from here.
/// </summary>
public static class QueuePlan
{
    /// <summary>
    /// Where <paramref name="count"/> items planned at <paramref name="now"/> are laid over the window; null when the
    /// pacing is not spread (the items have no not-before time: as fast as the limits allow).
    /// </summary>
    public static SpreadLayout? Spread(string pacing, CallWindow window, int count, DateTimeOffset now)
    {
        if (pacing != Pacing.Spread) return null;
        var (begin, interval) = SpreadPlanner.Layout(window, count, now);
        return new SpreadLayout(begin, interval);
    }

    /// <summary>The priority and not-before time of each contact joining, in the order they join.</summary>
    public static IReadOnlyList<PlannedItem> Plan(string pacing, CallWindow window, IReadOnlyList<PriorityFacts> joining, DateTimeOffset now)
    {
        var items = joining.Select(facts => new PlannedItem(Priority.Compute(facts), null)).ToArray();
        if (Spread(pacing, window, items.Length, now) is not { } layout) return items;
        var places = InDispatchOrder(Enumerable.Range(0, items.Length), i => items[i].Priority, i => i).ToArray();
        for (var place = 0; place < places.Length; place++) items[places[place]] = items[places[place]] with { NotBefore = layout.At(place) };
        return items;
    }

    /// <summary>Dispatch order: priority descending, then join order.</summary>
    public static IEnumerable<T> InDispatchOrder<T>(IEnumerable<T> items, Func<T, int> priority, Func<T, long> joinOrder) =>
        items.OrderByDescending(priority).ThenBy(joinOrder);
}

/// <summary>Spread pacing's layout: the item at place i of dispatch order is due at <c>Begin + i × Interval</c>.</summary>
public readonly record struct SpreadLayout(DateTimeOffset Begin, TimeSpan Interval)
{
    public DateTimeOffset At(int place) => Begin + (Interval * place);
}

/// <summary>A joining contact's place in the plan: its priority, and its not-before time (null: due at once).</summary>
public readonly record struct PlannedItem(int Priority, DateTimeOffset? NotBefore);
