using CallCampaigns.Domain;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Rules;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>What one dispatch did: whether an item moved (the campaign may be done), and when the gate wants another.</summary>
internal readonly record struct DispatchResult(bool Moved, DateTimeOffset? GateWake);

/// <summary>
/// A campaign's dispatch: the dial gate sorts the due items (ended ones leave the queue, held ones are written down
/// with their opening), the campaign's unused slots are claimed on the items it may dial in dispatch order, each claim
/// checking the do-not-call lists and the frequency cap, and the user is told how many more it could use; slots
/// granted at once are used in the next round. Used only from inside the campaign's grain.
/// </summary>
public sealed class Dispatcher(
    QueueStore queue, HoldStore holds, CallingRuleBook rules, IGrainFactory grains, EngineClock time, IOptions<EngineOptions> options)
{
    private const int Rounds = 8;

    internal async Task<DispatchResult> DialDueAsync(Campaign campaign, DateTimeOffset now, SlotAccount slots, CampaignFeed feed)
    {
        var moved = false;
        DateTimeOffset? gateWake = null;
        var nowMs = UnixMs.From(now);
        // Until the dial's answer binds the call (and extends the lease to StaleCallAfter), the lease waits for that answer.
        var expires = UnixMs.From(now + options.Value.DialAnswerTimeout);
        var maxDemand = options.Value.MaxDemandPerCampaign;
        var callingRules = await rules.CurrentAsync();
        await GatePass.RefreshHoldsAsync(holds, campaign, callingRules, now);
        List<long> due = [];
        var next = 0;
        for (var round = 0; round < Rounds; round++)
        {
            // Items a pass let through but no slot took yet are still its answer after a grant (the same instant, and
            // the claim checks the item again), so the pass is read again only once they are used up: the usual
            // hand-off (no slot held, one granted) reads it once, not once before and once after the grant.
            if (next >= due.Count)
            {
                var pass = await GatePass.ReadAsync(queue, holds, campaign, callingRules, now, maxDemand + slots.Unused);
                foreach (var (itemId, attempts, end) in pass.Ends)
                {
                    if (!await queue.EndQueuedAsync(campaign.Id, itemId, end.Outcome, end.Reason, nowMs)) continue;
                    moved = true;
                    feed.Item(now, itemId, ItemStatus.Cancelled, end.Outcome, attempts);
                }

                // A pass cut short (a long run of items it held) goes on at once, in a turn of its own.
                gateWake = pass.Cut ? now + TimeSpan.FromMilliseconds(100) : pass.HeldUntil;
                due = pass.Dial;
                next = 0;
            }

            while (next < due.Count && slots.TryNext(out var leaseId))
            {
                // Stamped with the moment of the claim, after the slot's earlier call ended, not the pass's start.
                var claim = await queue.ClaimAsync(campaign.Id, due[next], leaseId, UnixMs.From(time.GetUtcNow()), expires);
                if (claim.IsLeaseGone)
                {
                    slots.Spend();
                    continue;
                }

                next++;
                if (claim.IsOnDoNotCallList)
                {
                    moved = true;
                    feed.Item(now, due[next - 1], ItemStatus.Cancelled, Suppression.Outcome, 0);
                }

                // A capped number's item is held by the claim (its opening wakes the campaign); the slot goes to the next.
                if (claim.Item is not { } item) continue;
                slots.Spend();
                moved = true;
                feed.Item(now, item.Id, ItemStatus.Dialing, null, item.Attempts);
                KillPoints.Reached(KillPoints.GrantBeforeDial);
                await grains.GetGrain<IDialerGrain>(0).Dial(DialRequests.For(campaign, item));
            }

            if (await slots.SettleAsync(campaign.UserId, Math.Min(due.Count - next, maxDemand)) == 0) break;
        }

        return new DispatchResult(moved, gateWake);
    }
}
