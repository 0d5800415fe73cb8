using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Suppressions;

namespace CallCampaigns.Api.Contracts;

/// <summary>A number to put on a do-not-call list, with why (optional).</summary>
public sealed record AddSuppressionRequest(string? PhoneNumber, string? Reason);

/// <summary>One entry of a do-not-call list: <c>source</c> is <c>api</c>, <c>import</c>, <c>call</c> or <c>admin</c>.</summary>
public sealed record SuppressionEntry(string PhoneNumber, string? Reason, string Source, DateTime CreatedAt)
{
    public static SuppressionEntry From(SuppressionRow row) =>
        new(row.PhoneNumber, row.Reason, row.Source, UnixMs.ToTime(row.CreatedAt).UtcDateTime);
}
