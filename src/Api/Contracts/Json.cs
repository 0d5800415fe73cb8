using System.Globalization;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Api.Contracts;

/// <summary>Times in responses are UTC with a Z suffix; times of day are HH:mm, dates yyyy-MM-dd.</summary>
internal static class Json
{
    public static DateTime Utc(long ms) => UnixMs.ToTime(ms).UtcDateTime;

    public static DateTime? Utc(long? ms) => ms is { } value ? Utc(value) : null;

    public static DateTime? Utc(DateTimeOffset? at) => at?.UtcDateTime;

    public static DateTime Utc(DateTimeOffset at) => at.UtcDateTime;

    public static string Time(TimeOnly time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string? Date(DateOnly? date) => date is { } value ? Date(value) : null;
}
