using System.Globalization;

namespace CallCampaigns.Domain.Suppressions;

/// <summary>
/// A number on a do-not-call list: the user's own (<see cref="SystemWide"/> false) or the system's, which applies to
/// every user. <see cref="Source"/> says how it got there (<see cref="Sources"/>).
/// </summary>
public sealed record Suppression(string PhoneNumber, string Source, string? Reason, DateTimeOffset CreatedAt, bool SystemWide)
{
    /// <summary>The outcome of an item ended because its number is on a list.</summary>
    public const string Outcome = "do-not-call";

    /// <summary>What an ended item's <c>failureReason</c> says: which list, since when, how it got there.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{PhoneNumber} is on {(SystemWide ? "the system's" : "your")} do-not-call list since {CreatedAt:yyyy-MM-dd HH:mm} UTC ({Source}{(string.IsNullOrWhiteSpace(Reason) ? "" : $": {Reason}")})");
}

/// <summary>How a number got onto a do-not-call list.</summary>
public static class Sources
{
    public const string Api = "api";
    public const string Import = "import";
    public const string Call = "call";
    public const string Admin = "admin";
}
