using CallCampaigns.Domain.Policy.Rules;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Policy;

/// <summary>
/// May this item be dialled now, and if not, why and until when? Each rule answers for itself; the gate ends the
/// item when one rule ends it, dials when none holds it, and otherwise finds the earliest moment at which every
/// rule allows the call (the <c>until</c>), named by the rule that holds it now the longest.
/// Slots are not the gate's business: among the items it lets through, the dispatcher decides which get the free
/// slots (<c>next</c>) and which wait for one (<c>user-limit</c>, <c>system-limit</c>).
/// </summary>
public sealed class DialGate(IReadOnlyList<IDialRule> rules)
{
    /// <summary>The rules every campaign goes by, in the order their reasons are preferred when several hold.</summary>
    public static DialGate Standard { get; } = new([new CampaignStatusRule(), new CallWindowRule(), new CallingRulesRule(), new NotBeforeRule()]);

    private const string NoMomentLeft = "No moment is left at which the calling window and every calling rule allow a call.";

    public GateAnswer Decide(DialSubject subject, DateTimeOffset now)
    {
        var verdicts = Verdicts(subject, now);
        if (verdicts.OfType<RuleVerdict.Stop>().FirstOrDefault() is { } stop) return new GateAnswer.End(stop.Outcome, stop.Reason);
        if (Binding(verdicts.OfType<RuleVerdict.Hold>()) is not { } binding) return GateAnswer.Dial;
        if (binding.AllowsFrom is null) return Wait(binding, null, now);

        // Named by the hold that binds now; the until is the first moment every rule allows, which may be later.
        var until = binding.AllowsFrom.Value;
        for (var step = 0; step < Joint.MaxSteps; step++)
        {
            var later = Verdicts(subject, until);
            if (later.OfType<RuleVerdict.Stop>().Any()) return new GateAnswer.Wait(binding.Code, NoMomentLeft, null);
            if (Binding(later.OfType<RuleVerdict.Hold>()) is not { } next) return Wait(binding, until, now);
            if (next.AllowsFrom is not { } nextAt || nextAt <= until) return new GateAnswer.Wait(binding.Code, NoMomentLeft, null);
            until = nextAt;
        }

        return new GateAnswer.Wait(binding.Code, NoMomentLeft, null);
    }

    private List<RuleVerdict> Verdicts(DialSubject subject, DateTimeOffset at) => rules.Select(rule => rule.Check(subject, at)).ToList();

    /// <summary>The hold that lasts longest: one no time frees first, then the latest; the earlier rule on a tie.</summary>
    private static RuleVerdict.Hold? Binding(IEnumerable<RuleVerdict.Hold> holds)
    {
        RuleVerdict.Hold? binding = null;
        foreach (var hold in holds)
        {
            if (hold.AllowsFrom is null) return hold;
            if (binding is null || hold.AllowsFrom > binding.AllowsFrom) binding = hold;
        }

        return binding;
    }

    private static GateAnswer.Wait Wait(RuleVerdict.Hold hold, DateTimeOffset? until, DateTimeOffset now) => new(
        hold.Code,
        until is { } at ? hold.Text.Replace("{when}", LocalWhen.Describe(at, now, hold.ShowZone), StringComparison.Ordinal) : hold.Text,
        until);
}
