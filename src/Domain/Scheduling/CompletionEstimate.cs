namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// When a campaign should be done. Its first items are replayed through the dispatch (<see cref="DispatchSimulation"/>);
/// a queue longer than that head is extrapolated: the calls left go at the pace the replay found (how many slots the
/// campaign kept busy per hour of open window, rounds and competitors included), spent inside the window's openings
/// after the replay's last call, and not before the latest moment the ledger knows an item is held until. That is an
/// approximation past the head (the contacts behind it are not read), honest about windows and pace, not exact.
/// </summary>
public static class CompletionEstimate
{
    /// <summary>How many openings the extrapolation spends work in before it gives up (null).</summary>
    private const int MaxOpenings = 1000;

    /// <summary>
    /// The campaign's end from the replay of its head: its last call's end when the head was its whole queue, else
    /// that end plus <paramref name="behind"/> more calls at the replay's pace. Null when nothing is left, or the
    /// replay dialled none of its head (no opening left for it).
    /// </summary>
    /// <param name="run">The campaign's part of the replay.</param>
    /// <param name="behind">Queued items behind the replayed head.</param>
    /// <param name="averageCall">How long a call holds a slot.</param>
    /// <param name="window">The window the campaign's slots are open in (around the clock on each contact's clock).</param>
    /// <param name="heldUntil">The latest moment an item is known to wait for (a not-before time, a hold), if any.</param>
    public static DateTimeOffset? From(CampaignRun run, int behind, TimeSpan averageCall, CallWindow window, DateTimeOffset? heldUntil)
    {
        if (behind <= 0) return run.LastEnd;
        if (run.FirstStart is not { } first || run.LastEnd is not { } last) return null;

        var open = OpenTime(window, first, last);
        var slots = open > TimeSpan.Zero ? run.Dialled * averageCall / open : 1;
        var end = Spend(window, last, averageCall * (behind / Math.Max(slots, 0.01)));
        if (end is null) return null;
        return heldUntil is { } held && held + averageCall > end ? held + averageCall : end;
    }

    /// <summary>The end of <paramref name="work"/> of open window time spent from <paramref name="from"/>; null when the window runs out.</summary>
    public static DateTimeOffset? Spend(CallWindow window, DateTimeOffset from, TimeSpan work)
    {
        var at = from;
        for (var guard = 0; guard < MaxOpenings && window.CurrentOrNextOpening(at) is { } opening; guard++)
        {
            var start = opening.Opens > at ? opening.Opens : at;
            var available = opening.Closes - start;
            if (work <= available) return start + work;
            work -= available;
            at = opening.Closes;
        }

        return null;
    }

    /// <summary>How long the window is open between two instants.</summary>
    public static TimeSpan OpenTime(CallWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var open = TimeSpan.Zero;
        var at = from;
        for (var guard = 0; guard < MaxOpenings && at < to && window.CurrentOrNextOpening(at) is { } opening; guard++)
        {
            var start = opening.Opens > at ? opening.Opens : at;
            if (start >= to) break;
            var end = opening.Closes < to ? opening.Closes : to;
            open += end - start;
            at = opening.Closes;
        }

        return open;
    }
}
