using CallCampaigns.Domain.Campaigns;

namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>
/// A campaign's counters mirror its items' statuses. Every statement that moves an item from one status to another
/// moves the campaign's counters in the same transaction, through this one mapping.
/// </summary>
internal static class CounterColumns
{
    public static string For(string itemStatus) => itemStatus switch
    {
        ItemStatus.Queued => "queued_count",
        ItemStatus.Dialing or ItemStatus.InProgress => "in_progress_count",
        ItemStatus.Completed => "successful_count",
        ItemStatus.Failed => "failed_count",
        ItemStatus.Cancelled => "cancelled_count",
        _ => throw new ArgumentOutOfRangeException(nameof(itemStatus), itemStatus, "Unknown item status"),
    };

    /// <summary>SQL that moves <paramref name="count"/> items of campaign <c>@CampaignId</c> between two statuses.</summary>
    public static string Move(string from, string to, string count = "1")
    {
        var fromColumn = For(from);
        var toColumn = For(to);
        return fromColumn == toColumn
            ? "SELECT 1"
            : $"UPDATE campaigns SET {fromColumn} = {fromColumn} - {count}, {toColumn} = {toColumn} + {count}, updated_at = @Now WHERE id = @CampaignId";
    }
}
