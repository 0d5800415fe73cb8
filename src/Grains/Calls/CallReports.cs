using CallCampaigns.Bolna;
using CallCampaigns.Domain;
using CallCampaigns.Ledger.Calls;

namespace CallCampaigns.Grains.Calls;

/// <summary>What became of one webhook delivery.</summary>
public enum ReportOutcome
{
    /// <summary>Not a usable execution object; nothing was stored.</summary>
    Malformed,

    /// <summary>Stored in the inbox; an applier takes it from there.</summary>
    Stored,
}

public sealed record ReportResult(ReportOutcome Outcome, CallUpdate? Update, string? Error);

/// <summary>
/// Takes in Bolna's execution objects (webhooks, and the answers of look-ups): reads them leniently and stores them
/// in the inbox. Nothing else happens on the way in: the applier applies them, in order, on any node.
/// </summary>
public sealed class CallReports(InboxWriter inbox, EngineClock time)
{
    /// <summary>Stores a usable execution object; throws when the ledger cannot store it (the caller answers 503).</summary>
    public async Task<ReportResult> ReceiveAsync(string body, string source = NewDelivery.Webhook, CancellationToken cancellationToken = default)
    {
        var (update, error) = BolnaWebhook.Parse(body);
        if (update is null) return new ReportResult(ReportOutcome.Malformed, null, error);
        if (source == NewDelivery.Webhook && update.ProviderUpdatedAt is { } sent)
        {
            EngineMetrics.WebhookLag.Record(Math.Max(0, (time.GetUtcNow() - sent).TotalSeconds));
        }

        await inbox.StoreAsync(new NewDelivery(update.ExecutionId, update.Status, body, source), cancellationToken);
        return new ReportResult(ReportOutcome.Stored, update, null);
    }
}
