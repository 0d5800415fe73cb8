namespace CallCampaigns.Domain.Policy;

/// <summary>The gate's answer for one item at one instant: dial it, let it wait (why, until when), or end it.</summary>
public abstract record GateAnswer
{
    private protected GateAnswer()
    {
    }

    public static GateAnswer Dial { get; } = new DialNow();

    /// <summary>Nothing holds the item: it may be dialled when a slot is free.</summary>
    public sealed record DialNow : GateAnswer;

    /// <summary>
    /// The item waits: <see cref="Code"/> (a waiting-reason code) names what holds it first, <see cref="Until"/> is
    /// the next moment the answer changes (that reason is over), <see cref="DialableAt"/> the first moment every rule
    /// allows the call. Null: the passing of time alone will not change it (a pause; no opening left).
    /// </summary>
    public sealed record Wait(string Code, string Text, DateTimeOffset? Until, DateTimeOffset? DialableAt) : GateAnswer;

    /// <summary>The item can never be dialled: it ends cancelled with the outcome (if any) and reason.</summary>
    public sealed record End(string? Outcome, string Reason) : GateAnswer;
}
