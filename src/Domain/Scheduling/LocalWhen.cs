using System.Globalization;

namespace CallCampaigns.Domain.Scheduling;

/// <summary>An instant as a person reads it on a given clock: "today at 09:00 (Asia/Tokyo)".</summary>
public static class LocalWhen
{
    /// <summary>"today at 09:00", "tomorrow at 09:00" or "Mon 30 Nov at 09:00", in <paramref name="zone"/>, seen from <paramref name="now"/>.</summary>
    public static string Describe(DateTimeOffset at, DateTimeOffset now, string zone)
    {
        var info = TimeZones.Find(zone);
        var local = TimeZoneInfo.ConvertTime(at, info);
        var today = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, info).DateTime);
        var day = DateOnly.FromDateTime(local.DateTime);
        var date = day == today ? "today" : day == today.AddDays(1) ? "tomorrow" : local.ToString("ddd d MMM", CultureInfo.InvariantCulture);
        return $"{date} at {local.ToString("HH:mm", CultureInfo.InvariantCulture)} ({zone})";
    }
}
