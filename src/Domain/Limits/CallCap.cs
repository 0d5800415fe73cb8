namespace CallCampaigns.Domain.Limits;

/// <summary>
/// At most <see cref="MaxCalls"/> calls to one number within any <see cref="PerHours"/> hours (rolling, not reset at
/// midnight), counted from the dials placed, across all of a user's campaigns.
/// </summary>
[GenerateSerializer, Immutable, Alias("CallCap")]
public sealed record CallCap([property: Id(0)] int MaxCalls, [property: Id(1)] int PerHours)
{
    public const int MostCalls = 100;
    public const int MostHours = 24 * 31;

    public TimeSpan Window => TimeSpan.FromHours(PerHours);

    /// <summary>What is wrong with the cap, or null when it is a valid one.</summary>
    public static string? Problem(int? maxCalls, int? perHours) =>
        maxCalls is not (>= 1 and <= MostCalls) ? $"callCap.maxCalls must be between 1 and {MostCalls}."
        : perHours is not (>= 1 and <= MostHours) ? $"callCap.perHours must be between 1 and {MostHours}."
        : null;

    /// <summary>
    /// With the number's dials inside the window before <paramref name="now"/> (oldest first): null when one more
    /// is allowed now, else the moment enough of them have left the window for the next.
    /// </summary>
    public DateTimeOffset? HeldUntil(IReadOnlyList<DateTimeOffset> dialsInWindow, DateTimeOffset now)
    {
        var counted = dialsInWindow.Where(at => at > now - Window).Order().ToArray();
        return counted.Length < MaxCalls ? null : counted[counted.Length - MaxCalls] + Window;
    }
}
