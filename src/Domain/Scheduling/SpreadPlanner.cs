namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// Spread pacing, as specified: item i of n gets the "not before" time <c>window start + i × (window length / n)</c>,
/// over the opening that is current at <c>from</c> (the start date's, when the campaign starts on a later day).
/// When the plan is made mid-window, the items whose time has passed are due at once; once that day's window has
/// closed, the plan is laid over the next opening instead. Work a day's window cannot finish continues at the next
/// opening, in the same order (the not-before times only say "not before").
/// </summary>
public static class SpreadPlanner
{
    /// <summary>
    /// The first item's time and the gap between items (item i: <c>begin + i × interval</c>); when the window has
    /// no opening left every item gets <paramref name="from"/>.
    /// </summary>
    public static (DateTimeOffset Begin, TimeSpan Interval) Layout(CallWindow window, int count, DateTimeOffset from)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || window.CurrentOrNextOpening(from) is not { } opening) return (from, TimeSpan.Zero);
        return (opening.Opens, (opening.Closes - opening.Opens) / count);
    }
}
