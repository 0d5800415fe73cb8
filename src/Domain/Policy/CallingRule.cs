using System.Globalization;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Policy;

/// <summary>
/// A calling rule (quiet hours): contacts of <see cref="Region"/> may be called only from <see cref="From"/>
/// (inclusive) to <see cref="To"/> (exclusive), local time in the contact's zone, on the <see cref="Days"/> it
/// names (null: every day). On a day it does not name, the rule says nothing. <c>To</c> before <c>From</c> means the
/// allowed hours cross midnight (from <c>From</c> to the end of the day, and from its start to <c>To</c>); equal
/// times allow the whole day.
/// </summary>
[GenerateSerializer, Immutable, Alias("CallingRule")]
public sealed record CallingRule(
    [property: Id(0)] string Id,
    [property: Id(1)] string Region,
    [property: Id(2)] TimeOnly From,
    [property: Id(3)] TimeOnly To,
    [property: Id(4)] IReadOnlyList<DayOfWeek>? Days = null)
{
    /// <summary>What ships: the US federal hours (TCPA), Florida's, and India's.</summary>
    public static IReadOnlyList<CallingRule> Defaults { get; } =
    [
        new("us", "US", new TimeOnly(8, 0), new TimeOnly(21, 0)),
        new("us-fl", "US-FL", new TimeOnly(8, 0), new TimeOnly(20, 0)),
        new("in", "IN", new TimeOnly(9, 0), new TimeOnly(21, 0)),
    ];

    /// <summary>
    /// True when the rule covers a contact of <paramref name="region"/>: the same region, or the rule names a country
    /// and the contact is in one of its subdivisions (<c>US</c> covers <c>US-FL</c>; <c>US-FL</c> covers only Florida).
    /// </summary>
    public bool Covers(string? region) =>
        region is not null
        && (string.Equals(region, Region, StringComparison.OrdinalIgnoreCase)
            || (!Region.Contains('-', StringComparison.Ordinal)
                && region.StartsWith(Region + "-", StringComparison.OrdinalIgnoreCase)));

    /// <summary>True when the rule allows a call to start at <paramref name="at"/> for a contact in <paramref name="zone"/>.</summary>
    public bool Allows(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone).DateTime;
        if (!AppliesOn(local.DayOfWeek)) return true;
        var time = TimeOnly.FromDateTime(local);
        if (From == To) return true;
        return From < To ? time >= From && time < To : time >= From || time < To;
    }

    /// <summary>The earliest instant at or after <paramref name="at"/> when the rule allows a call in <paramref name="zone"/>.</summary>
    public DateTimeOffset EarliestAllowedAtOrAfter(DateTimeOffset at, TimeZoneInfo zone)
    {
        if (Allows(at, zone)) return at;

        // Whether a call is allowed changes only at a local midnight or at From: the first such moment that allows one.
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);
        for (var day = today; day <= today.AddDays(8); day = day.AddDays(1))
        {
            foreach (var time in new[] { TimeOnly.MinValue, From })
            {
                var candidate = TimeZones.ToInstant(day, time, zone);
                if (candidate > at && Allows(candidate, zone)) return candidate;
            }
        }

        return at; // unreachable: every rule allows some minute of every week
    }

    private bool AppliesOn(DayOfWeek day) => Days is null || Days.Contains(day);

    /// <summary>"US 08:00-21:00" or "US-FL 08:00-20:00 (mon, tue)": how a rule is named to a person.</summary>
    public override string ToString()
    {
        var hours = string.Create(CultureInfo.InvariantCulture, $"{Region} {From:HH\\:mm}-{To:HH\\:mm}");
        return Days is null ? hours : $"{hours} ({string.Join(", ", Days.Select(WeekDays.Name))})";
    }
}
