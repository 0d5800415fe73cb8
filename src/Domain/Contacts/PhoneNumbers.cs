using PhoneNumbers;

namespace CallCampaigns.Domain.Contacts;

/// <summary>Phone numbers as the system keeps them: E.164, read with libphonenumber.</summary>
public static class PhoneNumberRules
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Loads the number metadata and its patterns now, so the first contact or import does not wait for them.</summary>
    public static void Warm() => Normalise("+1 415 555 0100", "US");

    /// <summary>
    /// The number in E.164 form, or the reason it cannot be called. <paramref name="region"/> (ISO 3166 alpha-2)
    /// reads numbers written without a country code.
    /// </summary>
    public static (string? E164, string? Error) Normalise(string? raw, string? region)
    {
        var (_, e164, error) = Read(raw, region);
        return (e164, error);
    }

    /// <summary>As <see cref="Normalise"/>, with the number as parsed (for what else it tells: its zones, its region).</summary>
    public static (PhoneNumber? Number, string? E164, string? Error) Read(string? raw, string? region)
    {
        if (string.IsNullOrWhiteSpace(raw)) return (null, null, "missing phone number");
        var text = raw.Trim();
        if (text.StartsWith("00", StringComparison.Ordinal)) text = "+" + text[2..];
        if (!text.Any(char.IsDigit)) return (null, null, "not a phone number"); // what the parser would say, without its exception
        PhoneNumber number;
        try
        {
            number = Util.Parse(text, string.IsNullOrWhiteSpace(region) ? null : region.Trim().ToUpperInvariant());
        }
        catch (NumberParseException e)
        {
            return (null, null, e.ErrorType switch
            {
                ErrorType.INVALID_COUNTRY_CODE => "no country code, and no default region to read it with",
                ErrorType.NOT_A_NUMBER => "not a phone number",
                ErrorType.TOO_SHORT_NSN or ErrorType.TOO_SHORT_AFTER_IDD => "too short to be a phone number",
                ErrorType.TOO_LONG => "too long to be a phone number",
                _ => e.Message,
            });
        }

        if (!Util.IsValidNumber(number))
        {
            var reason = Util.IsPossibleNumberWithReason(number) switch
            {
                PhoneNumberUtil.ValidationResult.TOO_SHORT => "too short for its country",
                PhoneNumberUtil.ValidationResult.TOO_LONG => "too long for its country",
                PhoneNumberUtil.ValidationResult.INVALID_COUNTRY_CODE => "unknown country code",
                _ => "not a valid number for its country",
            };
            return (null, null, reason);
        }

        return (number, Util.Format(number, PhoneNumberFormat.E164), null);
    }
}
