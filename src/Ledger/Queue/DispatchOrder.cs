namespace CallCampaigns.Ledger.Queue;

/// <summary>
/// The queue's dispatch order in SQL, <see cref="Domain.Campaigns.QueuePlan"/>'s: priority descending, then join order
/// (an item's <c>position</c>), served by <c>ix_queue_items_dispatch</c>.
/// </summary>
public static class DispatchOrder
{
    /// <summary>Over <c>queue_items</c> aliased <paramref name="alias"/> (none when empty).</summary>
    public static string Of(string alias = "") => Of(alias, "position");

    /// <summary>Over rows that are not queue items yet, whose join order is <paramref name="joinOrder"/>.</summary>
    public static string Of(string alias, string joinOrder)
    {
        var prefix = alias.Length == 0 ? "" : alias + ".";
        return $"{prefix}priority DESC, {prefix}{joinOrder}";
    }
}
