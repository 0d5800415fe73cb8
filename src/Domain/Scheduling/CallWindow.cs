namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// A campaign's daily calling window: calls may start from <see cref="FirstCallTime"/> (inclusive) to
/// <see cref="LastCallTime"/> (exclusive), local time in <see cref="TimeZone"/>, every day from
/// <see cref="StartDate"/> to <see cref="EndDate"/>. A last call time earlier than the first means the window
/// crosses midnight and belongs to the day it opens on; equal times mean around the clock.
/// </summary>
[GenerateSerializer, Immutable, Alias("CallWindow")]
public sealed record CallWindow(
    [property: Id(0)] TimeOnly FirstCallTime,
    [property: Id(1)] TimeOnly LastCallTime,
    [property: Id(2)] string TimeZone,
    [property: Id(3)] DateOnly StartDate,
    [property: Id(4)] DateOnly? EndDate)
{
    /// <summary>How far ahead a search for the next opening looks before giving up.</summary>
    private const int MaxDaysAhead = 800;

    private TimeZoneInfo Zone => TimeZones.Find(TimeZone);

    /// <summary>True when a call may start at <paramref name="at"/>.</summary>
    public bool IsOpenAt(DateTimeOffset at) => OpeningContaining(at) is not null;

    /// <summary>The day's opening that contains <paramref name="at"/>, if the window is open then.</summary>
    public DayOpening? OpeningContaining(DateTimeOffset at)
    {
        var today = LocalDate(at);
        foreach (var day in new[] { today.AddDays(-1), today })
        {
            if (OpeningOn(day) is { } opening && opening.Contains(at)) return opening;
        }

        return null;
    }

    /// <summary>
    /// The opening in which a call may start at or after <paramref name="at"/>: the current one when the window
    /// is open, otherwise the next one. Null when no opening is left (the end date has passed).
    /// </summary>
    public DayOpening? CurrentOrNextOpening(DateTimeOffset at)
    {
        var first = LocalDate(at).AddDays(-1);
        if (first < StartDate) first = StartDate;
        for (var day = first; day <= first.AddDays(MaxDaysAhead); day = day.AddDays(1))
        {
            if (EndDate is { } end && day > end) return null;
            if (OpeningOn(day) is { } opening && opening.Closes > at) return opening;
        }

        return null;
    }

    /// <summary>The earliest instant at or after <paramref name="at"/> when a call may start; null when none is left.</summary>
    public DateTimeOffset? EarliestStartAtOrAfter(DateTimeOffset at) =>
        CurrentOrNextOpening(at) is { } opening ? (opening.Opens > at ? opening.Opens : at) : null;

    /// <summary>True once the last opening (the end date's) has closed.</summary>
    public bool HasEndedAt(DateTimeOffset at) => CurrentOrNextOpening(at) is null;

    /// <summary>The window as it stands on a local date, or null when that date is outside start and end dates.</summary>
    public DayOpening? OpeningOn(DateOnly day)
    {
        if (day < StartDate || (EndDate is { } end && day > end)) return null;
        var opens = TimeZones.ToInstant(day, FirstCallTime, Zone);
        var closeDay = LastCallTime > FirstCallTime ? day : day.AddDays(1);
        var closes = TimeZones.ToInstant(closeDay, LastCallTime, Zone);
        return closes > opens ? new DayOpening(day, opens, closes) : null;
    }

    /// <summary>The local calendar date in the campaign's zone at an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);
}

/// <summary>One day's window: it opens on <see cref="Day"/> at <see cref="Opens"/> and closes at <see cref="Closes"/>.</summary>
public sealed record DayOpening(DateOnly Day, DateTimeOffset Opens, DateTimeOffset Closes)
{
    public bool Contains(DateTimeOffset at) => at >= Opens && at < Closes;
}
