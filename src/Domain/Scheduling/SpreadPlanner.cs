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
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0) return [];
        if (window.CurrentOrNextOpening(from) is not { } opening) return Enumerable.Repeat(from, count).ToArray();

        var begin = opening.Opens > from ? opening.Opens : from;
        var interval = (opening.Closes - begin) / count;
        var times = new DateTimeOffset[count];
        for (var i = 0; i < count; i++) times[i] = begin + (interval * i);
        return times;
    }
}
