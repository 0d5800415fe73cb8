using CallCampaigns.Domain;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Campaigns;

/// <summary>
/// Applies one of Bolna's reports to the campaign's ledger: the attempt's stage, the item's status (completed,
/// failed, or queued again for a retry), the call's data, the contact's history, and the slot's release.
/// Used only from inside the campaign's grain, so one campaign's reports are applied one at a time.
/// </summary>
/// <summary>
/// What applying a report did: freed the call's slot; gave the campaign something to look at again; and the attempt
/// as it now stands (null when the report named no call of this campaign).
/// </summary>
public sealed record ApplyResult(bool Released, bool WorthALook, AttemptRow? Attempt, string? ItemMovedTo = null)
{
    public static ApplyResult Nothing(AttemptRow? attempt) => new(false, false, attempt);
}

public sealed class CallOutcomes(QueueStore queue, EngineClock time, ILogger<CallOutcomes> logger)
{
    /// <summary>
    /// Applies the report to the attempt as <paramref name="known"/> (the campaign's memory of it, the ledger's when
    /// null); says whether it released the call's slot and whether the campaign should look again.
    /// </summary>
    public async Task<ApplyResult> ApplyAsync(CampaignRow campaign, CallUpdate update, AttemptRow? known = null)
    {
        var attempt = known ?? await queue.FindAttemptAsync(update.ExecutionId);
        if (attempt is null || attempt.CampaignId != campaign.Id)
        {
            logger.LogWarning("Campaign {CampaignId} has no call {ExecutionId}", campaign.Id, update.ExecutionId);
            return ApplyResult.Nothing(null);
        }

        var state = new AttemptState(
            attempt.Status, attempt.StatusRank, UnixMs.ToTime(attempt.ProviderUpdatedAt), attempt.SawInProgress, attempt.LineEndedAt is not null);
        if (CallProgress.Decide(state, update) is not { } decision) return ApplyResult.Nothing(attempt);

        var now = time.GetUtcNow();
        var isCurrent = attempt.ItemAttempts == attempt.Attempt;
        var retryAllowed = CampaignStatus.IsRunning(campaign.Status) && campaign.Retry().AllowsRetry(attempt.Attempt, decision.Status);
        var itemTo = ItemProgress.NextStatus(attempt.ItemStatus, isCurrent, decision, retryAllowed);
        DateTimeOffset? retryAt = itemTo == ItemStatus.Queued
            ? campaign.Window().EarliestStartAtOrAfter(now + TimeSpan.FromMinutes(campaign.RetryDelayMinutes)) ?? now
            : null;

        var released = await queue.ApplyProgressAsync(new ProgressWrite
        {
            ExecutionId = update.ExecutionId,
            ItemId = attempt.ItemId,
            CampaignId = campaign.Id,
            Attempt = attempt.Attempt,
            Status = decision.Status,
            Rank = decision.Rank,
            ProviderUpdatedAt = UnixMs.From(decision.ProviderUpdatedAt),
            SawInProgress = decision.SawInProgress,
            LineEndsNow = decision.LineEndsNow,
            Connected = decision.Connected,
            ItemFrom = attempt.ItemStatus,
            ItemTo = itemTo,
            RetryNotBefore = UnixMs.From(retryAt),
            FailureReason = itemTo == ItemStatus.Failed ? FailureReason(decision.Status, update) : null,
            IsCurrentAttempt = isCurrent,
            DurationSeconds = update.DurationSeconds,
            CostCents = update.CostCents,
            Transcript = update.Transcript,
            Summary = update.Summary,
            RecordingUrl = update.RecordingUrl,
            HangupReason = update.HangupReason,
            UpdateContactHistory = decision.FinalNow,
            ContactId = attempt.ContactId,
            Now = UnixMs.From(now),
        });
        return new ApplyResult(released, released || itemTo == ItemStatus.Queued, attempt with
        {
            Status = decision.Status,
            StatusRank = decision.Rank,
            ProviderUpdatedAt = UnixMs.From(decision.ProviderUpdatedAt),
            SawInProgress = decision.SawInProgress,
            LineEndedAt = attempt.LineEndedAt ?? (decision.LineEndsNow ? UnixMs.From(now) : null),
            ItemStatus = itemTo ?? attempt.ItemStatus,
        }, itemTo);
    }

    private static string FailureReason(string status, CallUpdate update) =>
        update.ErrorMessage ?? status switch
        {
            "busy" => "The line was busy",
            "no-answer" => "Nobody answered",
            "balance-low" => "Bolna balance too low to place the call",
            "canceled" or "stopped" => "The call was stopped before it connected",
            _ => update.HangupReason ?? $"The call ended without connecting ({status})",
        };
}
