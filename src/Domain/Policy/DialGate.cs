using CallCampaigns.Domain.Policy.Rules;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Policy;

/// <summary>
/// May this item be dialled now, and if not, why and until when? Each rule answers for itself, in order of
/// precedence; the gate ends the item when one rule ends it and dials it when none holds it. Otherwise the first
/// rule that holds it names the wait, and its <c>until</c> is the next moment the answer changes: the first moment
/// that rule and every rule before it allow the call (a later rule may then take over the wait). <c>DialableAt</c>
/// is the first moment every rule allows it, when the campaign should look again.
/// Slots are not the gate's business: among the items it lets through, the dispatcher decides which get the free
/// slots (<c>next</c>) and which wait for one (<c>user-limit</c>, <c>system-limit</c>).
/// </summary>
public sealed class DialGate(IReadOnlyList<IDialRule> rules)
{
    /// <summary>The rules every campaign goes by, in order of precedence.</summary>
    public static DialGate Standard { get; } = new([new DoNotCallRule(), new CampaignStatusRule(), new CallWindowRule(), new CallingRulesRule(), new NotBeforeRule(), new FrequencyCapRule()]);

    private const string NoMomentLeft = "No moment is left at which the calling window and every calling rule allow a call.";

    public GateAnswer Decide(DialSubject subject, DateTimeOffset now)
    {
        var verdicts = rules.Select(rule => rule.Check(subject, now)).ToList();
        if (verdicts.OfType<RuleVerdict.Stop>().FirstOrDefault() is { } stop) return new GateAnswer.End(stop.Outcome, stop.Reason);
        var first = verdicts.FindIndex(verdict => verdict is RuleVerdict.Hold);
        if (first < 0) return GateAnswer.Dial;

        var hold = (RuleVerdict.Hold)verdicts[first];
        var until = EarliestAllowed(subject, rules.Take(first + 1).ToArray(), hold.AllowsFrom);
        var dialable = EarliestAllowed(subject, rules, until);
        var text = until is { } at
            ? hold.Text.Replace("{when}", LocalWhen.Describe(at, now, hold.ShowZone), StringComparison.Ordinal)
            : hold.AllowsFrom is null ? hold.Text : NoMomentLeft;
        return new GateAnswer.Wait(hold.Code, text, until, dialable);
    }

    /// <summary>
    /// The earliest moment at or after <paramref name="at"/> the item may be dialled: <paramref name="at"/> itself when
    /// it may be now, its <c>DialableAt</c> when it waits, null when it never may (ended, paused, no opening left).
    /// What a forecast replays the dispatch with (<see cref="Scheduling.DispatchSimulation"/>).
    /// </summary>
    public DateTimeOffset? DialableFrom(DialSubject subject, DateTimeOffset at) => Decide(subject, at) switch
    {
        GateAnswer.DialNow => at,
        GateAnswer.Wait wait => wait.DialableAt,
        _ => null,
    };

    /// <summary>
    /// The first moment at or after <paramref name="from"/> that every one of <paramref name="checks"/> allows: each
    /// holding rule says when it would allow, and the search jumps to the latest of those until all agree. No moment
    /// is skipped, since a rule holds everywhere before the moment it names. Null: never (a rule ends the item then,
    /// or holds with no time, or none is found within <see cref="Joint.MaxSteps"/> jumps).
    /// </summary>
    private static DateTimeOffset? EarliestAllowed(DialSubject subject, IReadOnlyList<IDialRule> checks, DateTimeOffset? from)
    {
        if (from is not { } at) return null;
        for (var step = 0; step < Joint.MaxSteps; step++)
        {
            var latest = at;
            foreach (var rule in checks)
            {
                switch (rule.Check(subject, at))
                {
                    case RuleVerdict.Stop:
                    case RuleVerdict.Hold { AllowsFrom: null }:
                        return null;
                    case RuleVerdict.Hold { AllowsFrom: { } allows } when allows > latest:
                        latest = allows;
                        break;
                }
            }

            if (latest == at) return at;
            at = latest;
        }

        return null;
    }
}
