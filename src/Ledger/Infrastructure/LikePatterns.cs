namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>Literal searches with LIKE: the wildcards (% and _) and the escape character in a search match themselves.</summary>
internal static class LikePatterns
{
    /// <summary>Follows each LIKE whose pattern comes from here.</summary>
    public const string Escape = " ESCAPE '\\'";

    /// <summary>A pattern matching any text that contains <paramref name="search"/> (trimmed); null for a blank search.</summary>
    public static string? Containing(string? search) =>
        string.IsNullOrWhiteSpace(search)
            ? null
            : "%" + search.Trim().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
}
