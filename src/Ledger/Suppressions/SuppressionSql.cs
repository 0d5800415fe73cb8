using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Ledger.Suppressions;

/// <summary>
/// How a read finds the do-not-call entry of an item's number: the user's own (<c>su</c>), else the system's
/// (<c>ss</c>), each one unique-index lookup. The columns map onto <c>Dnc*</c> properties, read with <see cref="Entry"/>.
/// </summary>
internal static class SuppressionSql
{
    public static string Joins(string item) => $"""
        LEFT JOIN suppressions su ON su.user_id = {item}.user_id AND su.phone_number = {item}.phone_number
        LEFT JOIN suppressions ss ON ss.user_id IS NULL AND ss.phone_number = {item}.phone_number
        """;

    public const string Columns =
        "coalesce(su.source, ss.source) AS dnc_source, CASE WHEN su.id IS NULL THEN ss.reason ELSE su.reason END AS dnc_reason, " +
        "coalesce(su.created_at, ss.created_at) AS dnc_created_at, (su.id IS NULL AND ss.id IS NOT NULL) AS dnc_system_wide";

    /// <summary>The entry those columns read, or null when the number is on no list.</summary>
    public static Suppression? Entry(string phoneNumber, string? source, string? reason, long? createdAt, bool systemWide) =>
        source is null ? null : new(phoneNumber, source, reason, UnixMs.ToTime(createdAt ?? 0), systemWide);
}
