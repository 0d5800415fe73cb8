namespace CallCampaigns.Domain.Policy;

/// <summary>The earliest moment several schedules all allow, each known by "the earliest moment at or after t I allow".</summary>
public static class Joint
{
    /// <summary>How many jumps the search makes before it concludes the schedules never meet.</summary>
    public const int MaxSteps = 100;

    /// <summary>
    /// From <paramref name="from"/>, jumps to the latest of the schedules' next allowed moments until all of them
    /// allow the same one. Null when one has no moment left, or none is found within <see cref="MaxSteps"/> jumps.
    /// No moment is skipped: a schedule is closed everywhere between t and its next allowed moment.
    /// </summary>
    public static DateTimeOffset? Earliest(IReadOnlyList<Func<DateTimeOffset, DateTimeOffset?>> schedules, DateTimeOffset from)
    {
        var at = from;
        for (var step = 0; step < MaxSteps; step++)
        {
            var latest = at;
            foreach (var schedule in schedules)
            {
                if (schedule(at) is not { } allowed) return null;
                if (allowed > latest) latest = allowed;
            }

            if (latest == at) return at;
            at = latest;
        }

        return null;
    }
}
