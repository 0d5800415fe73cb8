namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// Spread pacing: items are given evenly spaced "not before" times over the window they start in.
/// Item i of n gets <c>opening start + i × (opening length / n)</c>; the opening is the one current at
/// <c>from</c> (its remaining part when it is already open) or the next one.
/// </summary>
public static class SpreadPlanner
{
    /// <summary>The not-before time of each of <paramref name="count"/> items, in dispatch order.</summary>
    public static IReadOnlyList<DateTimeOffset> Plan(CallWindow window, int count, DateTimeOffset from)
    {
        var (begin, interval) = Layout(window, count, from);
        var times = new DateTimeOffset[count];
        for (var i = 0; i < count; i++) times[i] = begin + (interval * i);
        return times;
    }

    /// <summary>
    /// The first item's time and the gap between items (item i: <c>begin + i × interval</c>); when the window has
    /// no opening left every item gets <paramref name="from"/>.
    /// </summary>
    public static (DateTimeOffset Begin, TimeSpan Interval) Layout(CallWindow window, int count, DateTimeOffset from)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || window.CurrentOrNextOpening(from) is not { } opening) return (from, TimeSpan.Zero);
        var begin = opening.Opens > from ? opening.Opens : from;
        return (begin, (opening.Closes - begin) / count);
    }
}
