using CallCampaigns.Domain.Policy;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// One dispatch pass's questions to the dial gate: the due items in dispatch order, each with its contact's clock,
/// sorted into those it may dial now, those it ends, and the earliest moment one of those it holds may be dialled.
/// </summary>
internal sealed class GatePass
{
    /// <summary>How many due items one pass reads at most looking for ones it may dial (items held are skipped).</summary>
    public const int MaxScanned = 2_000;

    public List<long> Dial { get; } = [];

    public List<(long ItemId, int Attempts, GateAnswer.End End)> Ends { get; } = [];

    /// <summary>The earliest moment an item held now may be dialled; null when none is held with a time.</summary>
    public DateTimeOffset? HeldUntil { get; private set; }

    public static async Task<GatePass> ReadAsync(
        QueueStore queue, CampaignRow campaign, IReadOnlyList<CallingRule> rules, DateTimeOffset now, int wanted)
    {
        var pass = new GatePass();
        var terms = campaign.Terms();
        int? afterPriority = null;
        long afterPosition = 0;
        if (wanted <= 0) return pass;
        for (var scanned = 0; pass.Dial.Count < wanted && scanned < MaxScanned;)
        {
            var page = await queue.DueCandidatesAsync(campaign.Id, UnixMs.From(now), wanted, afterPriority, afterPosition);
            foreach (var item in page)
            {
                var subject = new DialSubject(terms, item.Clock(), UnixMs.ToTime(item.ScheduledFor), item.Attempts, rules);
                switch (DialGate.Standard.Decide(subject, now))
                {
                    case GateAnswer.DialNow when pass.Dial.Count < wanted:
                        pass.Dial.Add(item.Id);
                        break;
                    case GateAnswer.End end:
                        pass.Ends.Add((item.Id, item.Attempts, end));
                        break;
                    case GateAnswer.Wait { DialableAt: { } until } when pass.HeldUntil is null || until < pass.HeldUntil:
                        pass.HeldUntil = until;
                        break;
                }
            }

            scanned += page.Count;
            if (page.Count < wanted) break;
            (afterPriority, afterPosition) = (page[^1].Priority, page[^1].Position);
        }

        return pass;
    }
}
