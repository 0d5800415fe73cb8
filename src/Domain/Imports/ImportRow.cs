using System.Globalization;
using System.Text.RegularExpressions;
using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Imports;

/// <summary>One data row as read from the file (1-based <see cref="Number"/>), before its number is checked.</summary>
public sealed record ImportRow(
    int Number, string? Phone, string? Name, string? Email, string? Company, string? Country,
    string? LastConversation, string? TranscriptSummary, IReadOnlyDictionary<string, string> Custom, string? TimeZone = null);

/// <summary>A row whose number is good, in E.164, with the contact's clock (the file's <c>time_zone</c>, or the number's).</summary>
public sealed record ValidRow(ImportRow Row, string E164, DateTimeOffset? LastConversationAt, ContactClock Clock);

/// <summary>The checks a row must pass to join a campaign, with the reasons a person can act on.</summary>
public static partial class ImportRowRules
{
    /// <summary>Longest field accepted; anything longer is a broken file (a quote never closed) or not contact data.</summary>
    public const int MaxFieldLength = 10_000;

    /// <summary>The row's number in E.164, or why the row fails.</summary>
    public static (ValidRow? Valid, string? Error) Check(ImportRow row, string? defaultRegion)
    {
        if (row.Custom.Values.Append(row.Name).Append(row.TranscriptSummary).Any(v => v?.Length > MaxFieldLength))
        {
            return (null, $"a field is longer than {MaxFieldLength:N0} characters (is a quote left open?)");
        }

        if (row.Name?.Trim().Length > InputLimits.MaxNameLength) return (null, $"name longer than {InputLimits.MaxNameLength} characters");
        if (row.Email?.Trim().Length > InputLimits.MaxEmailLength) return (null, $"email longer than {InputLimits.MaxEmailLength} characters");
        if (row.Company?.Trim().Length > InputLimits.MaxCompanyLength) return (null, $"company longer than {InputLimits.MaxCompanyLength} characters");
        if (row.Custom.Values.Any(v => v.Length > InputLimits.MaxCustomFieldValueLength))
        {
            return (null, $"a custom field longer than {InputLimits.MaxCustomFieldValueLength:N0} characters");
        }

        if (string.IsNullOrWhiteSpace(row.Phone)) return (null, "missing phone number");
        if (row.Phone.Trim().Length > InputLimits.MaxPhoneLength) return (null, $"invalid phone number: longer than {InputLimits.MaxPhoneLength} characters");
        if (ScientificNotation().IsMatch(row.Phone.Trim()))
        {
            return (null, $"the number was turned into scientific notation by a spreadsheet ({InputLimits.Echo(row.Phone.Trim())}): format the column as text and export again");
        }

        var zone = row.TimeZone?.Trim();
        if (!string.IsNullOrEmpty(zone) && (zone.Length > InputLimits.MaxEchoLength || !TimeZones.IsKnown(zone)))
        {
            return (null, $"unknown time zone '{InputLimits.Echo(zone)}': use an IANA name such as Europe/London");
        }

        var region = string.IsNullOrWhiteSpace(row.Country) ? defaultRegion : row.Country.Trim();
        var (number, e164, error) = PhoneNumberRules.Read(row.Phone, region);
        if (number is null || e164 is null) return (null, $"invalid phone number: {error}");
        return (new ValidRow(row, e164, ParseDate(row.LastConversation), ContactTimes.Given(ContactTimes.ForNumber(number), zone)), null);
    }

    private static DateTimeOffset? ParseDate(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    [GeneratedRegex(@"^[+]?\d+([.,]\d+)?[eE][+]?\d+$")]
    private static partial Regex ScientificNotation();
}
