namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>The ledger writes instants as Unix epoch milliseconds.</summary>
public static class UnixMs
{
    public static long From(DateTimeOffset at) => at.ToUnixTimeMilliseconds();

    public static long? From(DateTimeOffset? at) => at?.ToUnixTimeMilliseconds();

    public static DateTimeOffset ToTime(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? ToTime(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;
}
