namespace CallCampaigns.Domain.Scheduling;

/// <summary>
/// How far ahead one timer or reminder is armed. Orleans refuses due times beyond about 49.7 days (2^32 - 2 ms), so a
/// wake-up further away is armed for at most <see cref="Max"/>; when it fires, the campaign looks afresh and arms the
/// next step, until the real moment comes.
/// </summary>
public static class WakeStep
{
    /// <summary>The longest single step: well inside Orleans' limit.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(28);

    /// <summary>The due time to arm for a wake-up <paramref name="due"/> from now: never negative, never beyond <see cref="Max"/>.</summary>
    public static TimeSpan Clamp(TimeSpan due) => due < TimeSpan.Zero ? TimeSpan.Zero : due > Max ? Max : due;
}
