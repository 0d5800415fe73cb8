namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// When a campaign's remaining calls should be done: the queued calls go through the slots the campaign can get,
/// one average call length per round, and only while the window is open; calls in flight finish first.
/// </summary>
public static class CompletionEstimate
{
    /// <summary>Null when nothing is left, or when the window has no opening left for the work.</summary>
    public static DateTimeOffset? Estimate(
        int queued, int inFlight, double slots, TimeSpan averageCall, CallWindow window, DateTimeOffset now, DateTimeOffset? lastNotBefore = null)
    {
        if (queued <= 0 && inFlight <= 0) return null;
        // The same model as the queue's forecast (QueueForecast), so the end is never before the last item's call: whole
        // slots whose calls take proportionally longer for a fractional share, and calls in flight holding their slots
        // for up to one more call length before the queue gets them.
        var share = Math.Max(slots, 0.01);
        var servers = Math.Max(1, Math.Floor(share));
        var rounds = queued <= 0 ? 0 : Math.Ceiling(queued / servers);
        var work = averageCall * (servers / share) * rounds + (inFlight > 0 ? averageCall : TimeSpan.Zero);
        var from = lastNotBefore is { } notBefore && notBefore > now ? notBefore : now;
        if (queued <= 0) return now + work;

        // Spend the work inside the window's openings, from now on.
        var at = from;
        for (var guard = 0; guard < 1000 && window.CurrentOrNextOpening(at) is { } opening; guard++)
        {
            var start = opening.Opens > at ? opening.Opens : at;
            var available = opening.Closes - start;
            if (work <= available) return start + work;
            work -= available;
            at = opening.Closes;
        }

        return null;
    }
}
