using System.Collections.Concurrent;
using CallCampaigns.Domain.Scheduling;
using PhoneNumbers;

namespace CallCampaigns.Domain.Contacts;

/// <summary>
/// A contact's clock read from their number with libphonenumber: its time-zone mapper for the zones, the region
/// for the country, and the offline geocoder for the US state ("Miami, FL", "Florida").
/// </summary>
public static class ContactTimes
{
    /// <summary>
    /// Zones further apart than this (in standard time) say too little about the contact's clock: a toll-free
    /// number of the whole North American plan (Guam to Newfoundland), a Russian mobile range (eleven zones).
    /// Such a number counts as unknown, and the campaign's zone is used.
    /// </summary>
    public static readonly TimeSpan MaxSpread = TimeSpan.FromHours(5);

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();
    private static readonly Lazy<PhoneNumberToTimeZonesMapper> Zones = new(PhoneNumberToTimeZonesMapper.GetInstance);
    private static readonly Lazy<PhoneNumberOfflineGeocoder> Geocoder = new(PhoneNumberOfflineGeocoder.GetInstance);

    /// <summary>The clock of the contact with this number; <see cref="ContactClock.Unknown"/> when it says nothing.</summary>
    public static ContactClock ForNumber(string? e164)
    {
        if (string.IsNullOrWhiteSpace(e164)) return ContactClock.Unknown;
        PhoneNumber number;
        try
        {
            number = Util.Parse(e164, null);
        }
        catch (NumberParseException)
        {
            return ContactClock.Unknown;
        }

        return ForNumber(number);
    }

    /// <summary>The clock of the contact with this number, already parsed.</summary>
    public static ContactClock ForNumber(PhoneNumber number) => new(ZonesOf(number), RegionOf(number));

    /// <summary>The clock of a contact whose user may have named their zone: that zone, with the region from the number.</summary>
    public static ContactClock ForNumber(string? e164, string? givenZone) => Given(ForNumber(e164), givenZone);

    /// <summary>The clock with the zone the user named, when they named one.</summary>
    public static ContactClock Given(ContactClock clock, string? givenZone) =>
        string.IsNullOrWhiteSpace(givenZone) ? clock : clock with { TimeZones = [givenZone.Trim()] };

    private static string[] ZonesOf(PhoneNumber number)
    {
        var mapped = Zones.Value.GetTimeZonesForNumber(number);
        // The mapper gives one of a few thousand lists: each is checked once (an import reads a million numbers).
        return Checked.GetOrAdd(string.Join(',', mapped), static (_, list) => Check(list), mapped);
    }

    private static readonly ConcurrentDictionary<string, string[]> Checked = new(StringComparer.Ordinal);

    private static string[] Check(IEnumerable<string> mapped)
    {
        var zones = mapped.Where(TimeZones.IsKnown).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        if (zones.Length == 0) return zones;
        var offsets = zones.Select(zone => TimeZones.Find(zone).BaseUtcOffset).ToArray();
        return offsets.Max() - offsets.Min() > MaxSpread ? [] : zones;
    }

    private static string? RegionOf(PhoneNumber number)
    {
        var country = Util.GetRegionCodeForNumber(number);
        if (string.IsNullOrEmpty(country) || country == "ZZ" || country == "001") return null;
        if (country != "US") return country;
        var state = UsStates.CodeOf(Geocoder.Value.GetDescriptionForNumber(number, Locale.English));
        return state is null ? country : $"US-{state}";
    }
}
