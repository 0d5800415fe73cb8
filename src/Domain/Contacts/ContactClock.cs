namespace CallCampaigns.Domain.Contacts;

/// <summary>
/// Where a contact's clock is: the IANA zones their number may be in (a call must suit every one; none known: the
/// campaign's zone stands in), and their region (an ISO country, or <c>US-XX</c> where the number shows the state).
/// </summary>
[GenerateSerializer, Immutable, Alias("ContactClock")]
public sealed record ContactClock(
    [property: Id(0)] IReadOnlyList<string> TimeZones,
    [property: Id(1)] string? Region)
{
    public static ContactClock Unknown { get; } = new([], null);

    /// <summary>The zones to read a local time in: the contact's, or <paramref name="fallback"/> when none is known.</summary>
    public IReadOnlyList<string> ZonesOr(string fallback) => TimeZones.Count > 0 ? TimeZones : [fallback];

    /// <summary>Zones as the ledger keeps them: one text, the names separated by commas (null when none).</summary>
    public string? StoredZones => TimeZones.Count > 0 ? string.Join(',', TimeZones) : null;

    /// <summary>The clock from its stored form; unknown or malformed zone names are left out.</summary>
    public static ContactClock FromStored(string? zones, string? region) => new(
        (zones ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(Scheduling.TimeZones.IsKnown).ToArray(),
        string.IsNullOrWhiteSpace(region) ? null : region);

    public bool Equals(ContactClock? other) =>
        other is not null && TimeZones.SequenceEqual(other.TimeZones) && Region == other.Region;

    public override int GetHashCode() => HashCode.Combine(StoredZones, Region);
}
