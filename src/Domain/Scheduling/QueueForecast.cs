namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// When each queued item of a campaign should start, taken in dispatch order: the campaign's slots are modelled as
/// servers that take the next item as soon as they are free, the item is due (its not-before time) and the window
/// is open. Calls take the average call length; a fractional share of slots (two slots for three campaigns) is
/// modelled as whole slots whose calls take proportionally longer, which gives the same throughput.
/// </summary>
public sealed class QueueForecast
{
    private readonly CallWindow _window;
    private readonly DateTimeOffset _now;
    private readonly TimeSpan _slotTime;
    private readonly PriorityQueue<int, DateTimeOffset> _freeAt = new();

    /// <param name="window">The campaign's calling window.</param>
    /// <param name="now">The moment of the forecast.</param>
    /// <param name="slots">Slots the campaign can expect (see <c>SlotShare</c>); at least some share.</param>
    /// <param name="averageCall">Average time a call holds a slot, dial to line end.</param>
    /// <param name="inFlightSince">When each of the campaign's calls in flight started.</param>
    public QueueForecast(CallWindow window, DateTimeOffset now, double slots, TimeSpan averageCall, IEnumerable<DateTimeOffset> inFlightSince)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(slots);
        _window = window;
        _now = now;
        var servers = Math.Max(1, (int)Math.Floor(slots));
        _slotTime = averageCall * (servers / slots);

        // A call in flight frees its slot one call length after it started (not before now). With more calls in
        // flight than slots (a limit was lowered), a slot frees only once the campaign is back under it.
        var ends = inFlightSince.Select(since => since + averageCall < now ? now : since + averageCall).Order().ToList();
        foreach (var end in ends.Skip(Math.Max(0, ends.Count - servers))) _freeAt.Enqueue(0, end);
        while (_freeAt.Count < servers) _freeAt.Enqueue(0, now);
    }

    /// <summary>
    /// The start of the next item in dispatch order, given its not-before time; null when no opening of the window
    /// is left for it (it will be cancelled when the campaign ends).
    /// </summary>
    public DateTimeOffset? Next(DateTimeOffset? notBefore)
    {
        _freeAt.TryPeek(out _, out var free);
        var earliest = Latest(free, Latest(_now, notBefore ?? _now));
        if (_window.EarliestStartAtOrAfter(earliest) is not { } start) return null;
        _freeAt.Dequeue();
        _freeAt.Enqueue(0, start + _slotTime);
        return start;
    }

    private static DateTimeOffset Latest(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
