namespace CallCampaigns.Domain.Campaigns;

/// <summary>
/// When a call that did not connect is tried again: at most <see cref="MaxAttempts"/> attempts in all,
/// no sooner than <see cref="DelayMinutes"/> after the previous one ended, and only for the outcomes in <see cref="On"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("RetryPolicy")]
public sealed record RetryPolicy(
    [property: Id(0)] int MaxAttempts,
    [property: Id(1)] int DelayMinutes,
    [property: Id(2)] IReadOnlyList<string> On)
{
    /// <summary>The outcomes a retry may be asked for.</summary>
    public static readonly IReadOnlyList<string> RetryableOutcomes = ["busy", "no-answer", "failed"];

    /// <summary>One attempt, no retry.</summary>
    public static RetryPolicy None { get; } = new(1, 0, []);

    public bool AllowsRetry(int attemptsMade, string outcome) =>
        attemptsMade < MaxAttempts && On.Contains(NormaliseOutcome(outcome));

    /// <summary>Bolna's <c>error</c> is a failure for the purpose of retrying.</summary>
    private static string NormaliseOutcome(string outcome) => outcome == "error" ? "failed" : outcome;
}
