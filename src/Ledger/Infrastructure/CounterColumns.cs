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

    /// <summary>
    /// Statements that move one item (with <paramref name="moveItem"/>, an UPDATE of at most one row) and, only when
    /// it moved, the campaign's counters with it: on PostgreSQL one statement (a data-modifying CTE), on SQLite the
    /// UPDATE followed by one that looks at <c>changes()</c>.
    /// </summary>
    public static IEnumerable<string> MoveIfMoved(LedgerDialect dialect, string moveItem, string from, string to)
    {
        var fromColumn = For(from);
        var toColumn = For(to);
        if (fromColumn == toColumn)
        {
            yield return moveItem;
            yield break;
        }

        const string Set = "{0} = {0} - 1, {1} = {1} + 1, updated_at = @Now";
        var set = string.Format(System.Globalization.CultureInfo.InvariantCulture, Set, fromColumn, toColumn);
        if (dialect == LedgerDialect.Postgres)
        {
            yield return $"WITH moved AS ({moveItem} RETURNING 1) UPDATE campaigns SET {set} WHERE id = @CampaignId AND EXISTS (SELECT 1 FROM moved)";
        }
        else
        {
            yield return moveItem;
            yield return $"UPDATE campaigns SET {set} WHERE id = @CampaignId AND changes() = 1";
        }
    }

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
