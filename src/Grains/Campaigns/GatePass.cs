using System.Security.Cryptography;
using System.Text.Json;
using CallCampaigns.Domain.Policy;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// One dispatch pass's questions to the dial gate: the due items in dispatch order that are not held, each with its
/// contact's clock, sorted into those it may dial now, those it ends, and those it holds until their next opening
/// (written down, so the next passes do not read them again: <see cref="HoldStore"/>).
/// </summary>
internal sealed class GatePass
{
    /// <summary>
    /// How many due items one pass reads at most looking for ones it may dial. Those it holds are written down and not
    /// read again until their opening, so a pass cut short goes on past them in the next (<see cref="Cut"/>).
    /// </summary>
    public const int MaxScanned = 20_000;

    /// <summary>The largest page read at once: the first asks for what is wanted, the next ones for more as items are held.</summary>
    private const int MaxPage = 1_000;

    public List<long> Dial { get; } = [];

    public List<(long ItemId, int Attempts, GateAnswer.End End)> Ends { get; } = [];

    /// <summary>True when the pass stopped at <see cref="MaxScanned"/> short of what it wanted: another pass may find more.</summary>
    public bool Cut { get; private set; }

    /// <summary>The earliest moment an item this pass held may be dialled; null when it held none with a time.</summary>
    public DateTimeOffset? HeldUntil { get; private set; }

    private readonly List<(long ItemId, long Until)> _holds = [];

    /// <summary>
    /// Before a dispatch's passes (once: the campaign's <see cref="Campaign.HoldsKey"/> is read with it): drops the
    /// holds when the window or the rules changed, and frees those whose opening has come.
    /// </summary>
    public static Task RefreshHoldsAsync(HoldStore holds, Campaign campaign, IReadOnlyList<CallingRule> rules, DateTimeOffset now) =>
        holds.RefreshAsync(campaign.Id, HoldsKey(campaign, rules), campaign.HoldsKey, UnixMs.From(now));

    public static async Task<GatePass> ReadAsync(
        QueueStore queue, HoldStore holds, Campaign campaign, IReadOnlyList<CallingRule> rules, DateTimeOffset now, int wanted)
    {
        var pass = new GatePass();
        if (wanted <= 0) return pass;
        var nowMs = UnixMs.From(now);
        var terms = campaign.Terms;
        int? afterPriority = null;
        long afterPosition = 0;
        var scanned = 0;
        var size = wanted;
        while (pass.Dial.Count < wanted)
        {
            if (scanned >= MaxScanned)
            {
                pass.Cut = true;
                break;
            }

            var page = await queue.DueCandidatesAsync(campaign.Id, nowMs, size, afterPriority, afterPosition);
            foreach (var item in page)
            {
                var subject = new DialSubject(terms, item.Clock(), UnixMs.ToTime(item.ScheduledFor), item.Attempts, rules, item.DoNotCall(), item.Capped());
                switch (DialGate.Standard.Decide(subject, now))
                {
                    case GateAnswer.DialNow when pass.Dial.Count < wanted:
                        pass.Dial.Add(item.Id);
                        break;
                    case GateAnswer.End end:
                        pass.Ends.Add((item.Id, item.Attempts, end));
                        break;
                    case GateAnswer.Wait { DialableAt: { } until } when until > now:
                        pass._holds.Add((item.Id, UnixMs.From(until)));
                        if (pass.HeldUntil is null || until < pass.HeldUntil) pass.HeldUntil = until;
                        break;
                }
            }

            scanned += page.Count;
            if (page.Count < size) break;
            (afterPriority, afterPosition) = (page[^1].Priority, page[^1].Position);
            size = Math.Min(MaxPage, size * 4);
        }

        await holds.HoldAsync(campaign.Id, pass._holds, nowMs);
        return pass;
    }

    /// <summary>
    /// What a campaign's holds depend on besides the contacts: its window (and whose clock it is read on) and the
    /// calling rules. A change to either drops the holds.
    /// </summary>
    private static string HoldsKey(Campaign campaign, IReadOnlyList<CallingRule> rules)
    {
        var terms = JsonSerializer.SerializeToUtf8Bytes(new { window = campaign.Window, zone = campaign.WindowZone, rules });
        return Convert.ToHexString(SHA256.HashData(terms), 0, 16);
    }
}
