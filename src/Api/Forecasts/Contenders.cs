using CallCampaigns.Domain.Contacts;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Api.Forecasts;

/// <summary>
/// The ledger's picture of who competes for the slots, turned into the users and campaigns a
/// <see cref="DispatchSimulation"/> replays: each campaign's head of queue behind the gate, the rest of its queue as
/// items of unknown contacts (read in the campaign's zone), its calls in flight; slots held by users with no running
/// campaign (or not yet handed to one) as calls in flight of their own. Every campaign's calls are taken to last the
/// forecast campaign's average: the one figure the forecast reads, cheap on a hot path, and right where calls
/// are alike. Round-robin cursors are not in the ledger: users and campaigns longest without a call start go first.
/// </summary>
internal static class Contenders
{
    /// <param name="focus">The forecast campaign, with its items in dispatch order (they stand for its whole queue).</param>
    public static IReadOnlyList<SimulatedUser> From(
        Competition competition, (Campaign Campaign, int UserLimit, IReadOnlyList<QueuedSlot> Items) focus,
        IReadOnlyList<CallingRule> rules, TimeSpan callLength)
    {
        var campaigns = competition.Campaigns.Where(c => c.Campaign.Id != focus.Campaign.Id).Append((focus.Campaign, focus.UserLimit)).ToList();
        var known = campaigns.Select(c => c.Campaign.Id).ToHashSet();
        var inFlight = competition.Slots.ToLookup(slot => slot.CampaignId is { } id && known.Contains(id) ? id : (long?)null);
        var lanes = campaigns.Select(c =>
        {
            var isFocus = c.Campaign.Id == focus.Campaign.Id;
            var head = isFocus ? focus.Items : competition.Heads.GetValueOrDefault(c.Campaign.Id) ?? [];
            var unseen = isFocus ? 0 : Math.Max(0, c.Campaign.QueuedCount - head.Count);
            return (c.Campaign.UserId, c.UserLimit, Lane: Lane(c.Campaign, head, unseen, rules, callLength, inFlight[c.Campaign.Id].Select(s => s.Since)));
        }).ToList();

        // Slots of no running campaign (a user's calls of a campaign just finished, a grant not yet handed on).
        var stray = 0;
        foreach (var group in inFlight[null].GroupBy(slot => slot.UserId))
        {
            var lane = new SimulatedCampaign(--stray, [], callLength, group.Select(slot => UnixMs.ToTime(slot.Since)).ToArray());
            lanes.Add((group.Key, group.First().UserLimit, lane));
        }

        return lanes
            .GroupBy(lane => lane.UserId)
            .Select(user => new SimulatedUser(
                user.Key, user.First().UserLimit,
                user.Select(lane => lane.Lane).OrderBy(LastCall).ThenBy(lane => lane.Id).ToArray()))
            .OrderBy(user => user.Campaigns.Max(LastCall)).ThenBy(user => user.Id, StringComparer.Ordinal)
            .ToArray();
    }

    /// <summary>Dispatch order, as the dispatcher reads it: priority first, then join order.</summary>
    public static IReadOnlyList<QueuedSlot> InDispatchOrder(IEnumerable<QueuedSlot> items) =>
        QueuePlan.InDispatchOrder(items, item => item.Priority, item => item.Position).ToArray();

    /// <summary>The gate's answer for an item, as the simulation asks it: the first moment from an instant it may be dialled.</summary>
    public static Func<DateTimeOffset, DateTimeOffset?> Gate(Campaign campaign, QueuedSlot item, IReadOnlyList<CallingRule> rules)
    {
        var subject = new DialSubject(campaign.Terms, item.Clock(), UnixMs.ToTime(item.ScheduledFor), item.Attempts, rules, CappedUntil: item.Capped());
        return at => DialGate.Standard.DialableFrom(subject, at);
    }

    private static SimulatedCampaign Lane(
        Campaign campaign, IReadOnlyList<QueuedSlot> head, int unseen, IReadOnlyList<CallingRule> rules, TimeSpan callLength, IEnumerable<long> inFlight)
    {
        var items = InDispatchOrder(head).Select(item => new SimulatedItem(item.Id, Gate(campaign, item, rules))).ToArray();
        var unknown = new DialSubject(campaign.Terms, ContactClock.Unknown, null, 0, rules);
        return new SimulatedCampaign(
            campaign.Id, items, callLength, inFlight.Select(ms => UnixMs.ToTime(ms)).ToArray(), unseen, at => DialGate.Standard.DialableFrom(unknown, at));
    }

    private static DateTimeOffset LastCall(SimulatedCampaign campaign) =>
        campaign.InFlightSince.Count > 0 ? campaign.InFlightSince.Max() : DateTimeOffset.MinValue;
}
