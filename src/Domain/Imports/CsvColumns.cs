namespace CallCampaigns.Domain.Imports;

/// <summary>What a CSV column means to an import.</summary>
public enum ColumnRole
{
    /// <summary>A column without a name: nothing to pass on.</summary>
    Ignored,
    Custom,
    PhoneNumber,
    Name,
    Email,
    Company,
    Country,
    LastConversation,
    TranscriptSummary,
    TimeZone,
}

/// <summary>
/// Reads a CSV header: names match case-insensitively with spaces, '-' and '_' alike; <c>phone</c>, <c>mobile</c>,
/// <c>phone number</c> and <c>contact_number</c> (Bolna's batch column) are the phone number; any column not known
/// is a custom field passed to the agent under its own name.
/// </summary>
public static class CsvColumns
{
    private static readonly Dictionary<string, ColumnRole> Known = new(StringComparer.Ordinal)
    {
        ["phonenumber"] = ColumnRole.PhoneNumber,
        ["phone"] = ColumnRole.PhoneNumber,
        ["mobile"] = ColumnRole.PhoneNumber,
        ["contactnumber"] = ColumnRole.PhoneNumber,
        ["name"] = ColumnRole.Name,
        ["email"] = ColumnRole.Email,
        ["company"] = ColumnRole.Company,
        ["country"] = ColumnRole.Country,
        ["lastconversation"] = ColumnRole.LastConversation,
        ["lastinteraction"] = ColumnRole.LastConversation,
        ["transcriptsummary"] = ColumnRole.TranscriptSummary,
        ["timezone"] = ColumnRole.TimeZone,
    };

    public static string Normalise(string header) =>
        new(header.Trim().Trim('\uFEFF').ToLowerInvariant().Where(c => c is not (' ' or '-' or '_')).ToArray());

    /// <summary>The role of each column, in order; the first column of a role wins, later ones become custom fields.</summary>
    public static IReadOnlyList<ColumnRole> Roles(IReadOnlyList<string> headers)
    {
        var seen = new HashSet<ColumnRole>();
        return headers.Select(header =>
        {
            if (string.IsNullOrWhiteSpace(CustomName(header))) return ColumnRole.Ignored;
            var role = Known.GetValueOrDefault(Normalise(header), ColumnRole.Custom);
            return role == ColumnRole.Custom || seen.Add(role) ? role : ColumnRole.Custom;
        }).ToArray();
    }

    /// <summary>The name a custom column is passed to the agent under: as written, trimmed.</summary>
    public static string CustomName(string header) => header.Trim().Trim('\uFEFF');
}
