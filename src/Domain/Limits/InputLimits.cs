namespace CallCampaigns.Domain.Limits;

/// <summary>
/// The bounds every input is held to, checked before any work starts (README, "Limits"). Generous for real use,
/// finite so that no request can store or echo unbounded data or ask for a date the engine cannot serve.
/// </summary>
public static class InputLimits
{
    /// <summary>Start and end dates at most this many years after today (in the campaign's zone).</summary>
    public const int MaxYearsAhead = 5;

    /// <summary>Names of contacts, campaigns and users.</summary>
    public const int MaxNameLength = 200;

    /// <summary>The longest address RFC 5321 allows.</summary>
    public const int MaxEmailLength = 320;

    public const int MaxCompanyLength = 200;

    /// <summary>A phone number as typed: 64 characters hold any real number with spaces, dashes and an extension.</summary>
    public const int MaxPhoneLength = 64;

    /// <summary>Campaign descriptions and next actions: a few paragraphs of instructions.</summary>
    public const int MaxTextLength = 4_000;

    /// <summary>Agent ids and other identifiers given by the caller.</summary>
    public const int MaxIdLength = 200;

    public const int MaxCustomFields = 50;

    public const int MaxCustomFieldNameLength = 100;

    public const int MaxCustomFieldValueLength = 2_000;

    /// <summary>Columns in a CSV file: the 9 of the advanced template, the known extras, and up to ~85 custom fields.</summary>
    public const int MaxCsvColumns = 100;

    /// <summary>Contact ids in one request (create a campaign, add contacts); larger lists go through a CSV import.</summary>
    public const int MaxContactIds = 100_000;

    public const int MaxSearchLength = 200;

    /// <summary>How much of a rejected value is repeated back in an error.</summary>
    public const int MaxEchoLength = 64;

    /// <summary>The latest start or end date accepted on <paramref name="today"/>.</summary>
    public static DateOnly LatestDate(DateOnly today) => today.AddYears(MaxYearsAhead);

    /// <summary>A rejected value as it may be repeated back: at most <see cref="MaxEchoLength"/> characters.</summary>
    public static string? Echo(string? value) =>
        value is { Length: > MaxEchoLength } ? string.Concat(value.AsSpan(0, MaxEchoLength), "...") : value;

    /// <summary>Why a text is too long, or null when it fits.</summary>
    public static string? TooLong(string? value, int max) => value is { } text && text.Length > max ? $"At most {max:N0} characters." : null;

    /// <summary>Why a set of custom fields is too large, or null when it fits.</summary>
    public static string? CustomFieldsProblem(IReadOnlyDictionary<string, string>? fields)
    {
        if (fields is null) return null;
        if (fields.Count > MaxCustomFields) return $"At most {MaxCustomFields} custom fields.";
        if (fields.Keys.Any(k => string.IsNullOrWhiteSpace(k) || k.Length > MaxCustomFieldNameLength))
        {
            return $"Custom field names must be 1 to {MaxCustomFieldNameLength} characters.";
        }

        return fields.Values.Any(v => v is null || v.Length > MaxCustomFieldValueLength)
            ? $"Custom field values must be text of at most {MaxCustomFieldValueLength:N0} characters."
            : null;
    }
}
