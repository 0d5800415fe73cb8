namespace CallCampaigns.Domain.Limits;

/// <summary>
/// The bounds every input is held to, checked before any work starts (README, "Limits"). Generous for real use,
/// finite so that no request can store or echo unbounded data or ask for a date the engine cannot serve.
/// </summary>
public static class InputLimits
{
    /// <summary>Start and end dates at most this many years after today (in the campaign's zone).</summary>
    public const int MaxYearsAhead = 5;

    /// <summary>The latest start or end date accepted on <paramref name="today"/>.</summary>
    public static DateOnly LatestDate(DateOnly today) => today.AddYears(MaxYearsAhead);
}
