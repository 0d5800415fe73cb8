using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Api.Contracts;

/// <summary>Times in responses are UTC with a Z suffix.</summary>
internal static class Json
{
    public static DateTime Utc(long ms) => UnixMs.ToTime(ms).UtcDateTime;

    public static DateTime? Utc(long? ms) => ms is { } value ? Utc(value) : null;

    public static DateTime? Utc(DateTimeOffset? at) => at?.UtcDateTime;
}
