using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Domain.Campaigns;

/// <summary>How a queue item's status follows its current attempt's progress.</summary>
public static class ItemProgress
{
    /// <summary>
    /// The item's next status, or null when it stays as it is. Reports about an earlier attempt never move the item.
    /// A line that ends connected completes the item; one that ends unconnected fails it, or queues it again when
    /// the retry policy allows. A final report that reveals a connection the line's end (or an earlier final guess) did
    /// not show completes it.
    /// </summary>
    public static string? NextStatus(string itemStatus, bool isCurrentAttempt, ProgressDecision decision, bool retryAllowed)
    {
        if (!isCurrentAttempt) return null;
        if (decision.LineEndsNow && ItemStatus.IsInFlight(itemStatus))
        {
            if (decision.Connected) return ItemStatus.Completed;
            return retryAllowed ? ItemStatus.Queued : ItemStatus.Failed;
        }

        if (CallStatus.IsFinal(decision.Status) && decision.Connected && itemStatus is ItemStatus.Failed or ItemStatus.Queued)
        {
            return ItemStatus.Completed;
        }

        if (decision.AnsweredNow && itemStatus == ItemStatus.Dialing) return ItemStatus.InProgress;
        return null;
    }
}
