using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Infrastructure;

namespace CallCampaigns.Grains.Calls;

/// <summary>What became of one webhook delivery.</summary>
public enum ReportOutcome
{
    /// <summary>Not a usable execution object; nothing was stored or changed.</summary>
    Malformed,

    /// <summary>Stored in the call-event log; no call of ours has this execution id (yet).</summary>
    Unknown,

    /// <summary>Stored and applied to its call.</summary>
    Applied,
}

public sealed record ReportResult(ReportOutcome Outcome, CallUpdate? Update, string? Error);

/// <summary>
/// Takes in Bolna's webhooks: reads the body leniently, stores it raw in the call-event log, then hands it to the
/// campaign whose call it is. Storing before looking up means a webhook that beats the dial's answer is not lost:
/// the dial's answer replays it.
/// </summary>
public sealed class CallReports(CallEventStore events, IGrainFactory grains, EngineClock time)
{
    private const int MaxKnownCalls = 100_000;

    /// <summary>
    /// Calls this node has already found: Bolna sends each call's webhooks several times over (one per status), and
    /// the call an execution belongs to never changes. Only found calls are kept: an unknown one is looked up again.
    /// </summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, CallOwner> _known = new(StringComparer.Ordinal);

    public async Task<ReportResult> ReceiveAsync(string body)
    {
        var (update, error) = BolnaWebhook.Parse(body);
        if (update is null) return new ReportResult(ReportOutcome.Malformed, null, error);
        if (update.ProviderUpdatedAt is { } sent) EngineMetrics.WebhookLag.Record(Math.Max(0, (time.GetUtcNow() - sent).TotalSeconds));

        var owner = await events.RecordAsync(
            update.ExecutionId, update.Status, body, UnixMs.From(time.GetUtcNow()), _known.GetValueOrDefault(update.ExecutionId));
        if (owner is null) return new ReportResult(ReportOutcome.Unknown, update, null);
        if (_known.Count >= MaxKnownCalls) _known.Clear();
        _known.TryAdd(update.ExecutionId, owner);

        await grains.GetGrain<ICampaignGrain>(owner.CampaignId).ApplyCallUpdate(update);
        return new ReportResult(ReportOutcome.Applied, update, null);
    }
}
