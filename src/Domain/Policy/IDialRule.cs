namespace CallCampaigns.Domain.Policy;

/// <summary>One rule of the dial gate: what it says about an item at one instant, knowing nothing of the others.</summary>
public interface IDialRule
{
    RuleVerdict Check(DialSubject subject, DateTimeOffset at);
}

/// <summary>A rule's verdict: it allows the call, holds it (until when it would allow it), or ends the item.</summary>
public abstract record RuleVerdict
{
    private protected RuleVerdict()
    {
    }

    public static RuleVerdict Allow { get; } = new Allows();

    public sealed record Allows : RuleVerdict;

    /// <summary>
    /// The rule holds the call. <see cref="AllowsFrom"/> is the earliest instant after which this rule alone would
    /// allow it (null: not by the passing of time). <see cref="Text"/> says why, with <c>{when}</c> where the time
    /// the item may be called goes; <see cref="ShowZone"/> is the zone that time is written in.
    /// </summary>
    public sealed record Hold(string Code, string Text, DateTimeOffset? AllowsFrom, string ShowZone) : RuleVerdict;

    /// <summary>The item ends: it can never be dialled (<see cref="Outcome"/> may be null: plain cancelled).</summary>
    public sealed record Stop(string? Outcome, string Reason) : RuleVerdict;
}
