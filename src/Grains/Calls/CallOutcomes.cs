using CallCampaigns.Domain;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;

namespace CallCampaigns.Grains.Calls;

/// <summary>What one report does: the effects to write, the attempt as it then stands, and the item's new status (if it moves).</summary>
public sealed record PlannedProgress(ProgressWrite Write, AttemptRow Attempt, string? ItemMovedTo);

/// <summary>
/// Decides what one of Bolna's reports does to a call: the attempt's stage, the item's status (completed, failed,
/// or queued again for a retry), the call's data, the contact's history, and the slot's release. The applier
/// writes the result in the transaction that marks the report applied.
/// </summary>
public static class CallOutcomes
{
    private const string BalanceLow = "balance-low";

    /// <summary>The report's effects on <paramref name="attempt"/>, or null when it changes nothing (late, repeated, unknown status).</summary>
    public static PlannedProgress? Plan(Campaign campaign, AttemptRow attempt, CallUpdate update, DateTimeOffset now, TimeSpan finalDataCheckAfter)
    {
        var state = new AttemptState(
            attempt.Status, attempt.StatusRank, UnixMs.ToTime(attempt.ProviderUpdatedAt), attempt.SawInProgress, attempt.LineEndedAt is not null);
        if (CallProgress.Decide(state, update) is not { } decision) return null;

        var isCurrent = attempt.ItemAttempts == attempt.Attempt;
        var retryAllowed = CampaignStatus.IsRunning(campaign.Status) && campaign.Retry.AllowsRetry(attempt.Attempt, decision.Status);
        var itemTo = ItemProgress.NextStatus(attempt.ItemStatus, isCurrent, decision, retryAllowed);
        // Bolna placed no call for want of balance: the account's fault, not the contact's. The item goes back
        // uncounted, and the campaign pauses until the balance is topped up.
        var balanceLow = decision.Status == BalanceLow && isCurrent && ItemStatus.IsInFlight(attempt.ItemStatus);
        // A call stopped at Bolna before it started because its campaign was paused waits for the resume, uncounted.
        var stoppedForPause = decision.Status is "canceled" or "stopped" && !decision.Connected && campaign.Status == CampaignStatus.Paused
            && isCurrent && ItemStatus.IsInFlight(attempt.ItemStatus);
        if (balanceLow || stoppedForPause) itemTo = ItemStatus.Queued;
        // A contact deleted while its call was on the way is not called again: its item ends cancelled.
        var contactDeleted = attempt.ContactId is null && itemTo is ItemStatus.Queued or ItemStatus.Failed;
        if (contactDeleted) itemTo = ItemStatus.Cancelled;
        DateTimeOffset? retryAt = itemTo == ItemStatus.Queued && !balanceLow && !stoppedForPause
            ? (campaign.OnContactsClock ? now + TimeSpan.FromMinutes(campaign.Retry.DelayMinutes) : campaign.Window.EarliestStartAtOrAfter(now + TimeSpan.FromMinutes(campaign.Retry.DelayMinutes)) ?? now)
            : null;
        var final = CallStatus.IsFinal(decision.Status);

        var write = new ProgressWrite
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
            FailureReason = itemTo == ItemStatus.Failed ? FailureReason(decision.Status, update) : contactDeleted ? "contact deleted" : null,
            UncountAttempt = (balanceLow || stoppedForPause) && !contactDeleted,
            PauseReason = balanceLow ? $"Bolna's balance is too low to place calls ({update.ErrorMessage ?? "balance-low"}): top it up, then resume the campaign" : null,
            CorrectContactHistory = !decision.FinalNow && itemTo == ItemStatus.Completed && attempt.ItemStatus is ItemStatus.Failed or ItemStatus.Queued,
            IsCurrentAttempt = isCurrent,
            DurationSeconds = update.DurationSeconds,
            // Bolna reports a cost of 0 until its final data is ready: only a final report's figure is the cost.
            CostCents = final || update.CostCents > 0 ? update.CostCents : null,
            Transcript = update.Transcript,
            Summary = update.Summary,
            RecordingUrl = update.RecordingUrl,
            HangupReason = update.HangupReason,
            ExtractedData = update.ExtractedData,
            FinalNow = final,
            FinalCheckAt = decision.LineEndsNow && !final ? UnixMs.From(now + finalDataCheckAfter) : null,
            UpdateContactHistory = decision.FinalNow && !balanceLow && !stoppedForPause,
            ContactId = attempt.ContactId,
            OptOutReason = final && OptOut.Says(update.ExtractedData, campaign.OptOutField) ? OptOut.Reason(update.ExecutionId) : null,
            Now = UnixMs.From(now),
        };
        return new PlannedProgress(write, attempt with
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
