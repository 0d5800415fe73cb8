using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Scheduling;

namespace CallCampaigns.Domain.Policy.Rules;

/// <summary>
/// The calling rules covering the contact's region, each read in every one of the contact's zones (the campaign's
/// when theirs is unknown): a call starts only when all of them allow it.
/// </summary>
public sealed class CallingRulesRule : IDialRule
{
    public RuleVerdict Check(DialSubject subject, DateTimeOffset at)
    {
        var covering = subject.Rules.Where(rule => rule.Covers(subject.Contact.Region)).ToArray();
        if (covering.Length == 0) return RuleVerdict.Allow;
        var checks = covering
            .SelectMany(rule => subject.ContactZones.Select(zone => (Rule: rule, Zone: zone, Info: TimeZones.Find(zone))))
            .ToArray();
        var blocking = checks.Where(check => !check.Rule.Allows(at, check.Info)).ToArray();
        if (blocking.Length == 0) return RuleVerdict.Allow;

        var allowed = Joint.Earliest(
            checks.Select(check => (Func<DateTimeOffset, DateTimeOffset?>)(t => check.Rule.EarliestAllowedAtOrAfter(t, check.Info))).ToArray(), at);
        // Named after the rule that holds longest, the most specific one (US-FL before US) when they end together.
        var (rule, zone, _) = blocking.MaxBy(check => (check.Rule.EarliestAllowedAtOrAfter(at, check.Info), check.Rule.Region.Length));
        return new RuleVerdict.Hold(
            WaitingReason.CallingRules, $"Held by the calling rule {rule} in the contact's local time ({zone}); they can be called {{when}}.", allowed, zone);
    }
}
