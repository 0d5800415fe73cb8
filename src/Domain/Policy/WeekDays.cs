namespace CallCampaigns.Domain.Policy;

/// <summary>Days of the week as the API writes them: <c>mon</c> .. <c>sun</c>.</summary>
public static class WeekDays
{
    private static readonly string[] Names = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];

    public static string Name(DayOfWeek day) => Names[(int)day];

    /// <summary>The day a name stands for; null when it is not one of <c>mon</c> .. <c>sun</c>.</summary>
    public static DayOfWeek? Parse(string? name)
    {
        var index = Array.IndexOf(Names, name?.Trim().ToLowerInvariant());
        return index < 0 ? null : (DayOfWeek)index;
    }
}
