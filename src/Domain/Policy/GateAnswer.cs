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
    /// The item waits: <see cref="Code"/> (a waiting-reason code) names what holds it, <see cref="Until"/> is the
    /// earliest instant at which every rule allows it (null: nothing known will free it, as a pause).
    /// </summary>
    public sealed record Wait(string Code, string Text, DateTimeOffset? Until) : GateAnswer;

    /// <summary>The item can never be dialled: it ends cancelled with the outcome (if any) and reason.</summary>
    public sealed record End(string? Outcome, string Reason) : GateAnswer;
}
