using System.Collections.Concurrent;

namespace CallCampaigns.Domain.Scheduling;

/// <summary>IANA time zones, and local wall-clock times turned into instants the way people expect across DST changes.</summary>
public static class TimeZones
{
    private static readonly ConcurrentDictionary<string, TimeZoneInfo?> Cache = new(StringComparer.Ordinal);

    /// <summary>
    /// True when <paramref name="id"/> is an IANA name (such as Europe/London) this machine knows. A Windows id
    /// ("Pacific Standard Time"), which the runtime would also resolve, is not one.
    /// </summary>
    public static bool IsKnown(string? id) =>
        !string.IsNullOrWhiteSpace(id) && Lookup(id) is not null && !IsWindowsOnly(id);

    private static bool IsWindowsOnly(string id) =>
        TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out _) && !TimeZoneInfo.TryConvertIanaIdToWindowsId(id, out _);

    public static TimeZoneInfo Find(string id) =>
        Lookup(id) ?? throw new ArgumentException($"Unknown time zone '{id}'.", nameof(id));

    /// <summary>
    /// The instant a local date and time happen in a zone. A time skipped by a spring-forward change moves to the
    /// first valid minute after the gap; a time that happens twice (fall back) takes its first occurrence.
    /// </summary>
    public static DateTimeOffset ToInstant(DateOnly day, TimeOnly time, TimeZoneInfo zone)
    {
        var local = day.ToDateTime(time, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local)) local = local.AddMinutes(1);
        var offset = zone.IsAmbiguousTime(local) ? zone.GetAmbiguousTimeOffsets(local).Max() : zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    private static TimeZoneInfo? Lookup(string id) => Cache.GetOrAdd(id, static key =>
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(key);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    });
}
