using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Calls;

/// <summary>Where a webhook's execution id leads.</summary>
public sealed record CallOwner(long CampaignId, long ItemId);

/// <summary>The raw webhook log, and the look-up from an execution id to its call.</summary>
public sealed class CallEventStore(LedgerDatabase database)
{
    /// <summary>
    /// Stores a delivery as received, then looks up its call (unless the caller already knows it: an execution's
    /// call never changes once recorded). Storing first matters: a webhook that arrives before
    /// the dial's answer is recorded stays in the log, where the dial's answer finds it.
    /// </summary>
    public async Task<CallOwner?> RecordAsync(string? executionId, string? status, string payload, long now, CallOwner? knownOwner = null)
    {
        // Two statements, each committed on its own: the event must be stored (and visible) before the look-up,
        // or a dial's answer recorded between the two could miss it while the look-up misses the call.
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            INSERT INTO call_events (received_at, execution_id, status, payload, item_id)
            VALUES (@now, @executionId, @status, @payload,
                    coalesce(@knownItem, (SELECT item_id FROM call_attempts WHERE execution_id = @executionId)))
            """,
            new { now, executionId, status, payload, knownItem = knownOwner?.ItemId });
        return executionId is null ? null : knownOwner ?? await connection.QuerySingleOrDefaultAsync<CallOwner>(
            "SELECT campaign_id, item_id FROM call_attempts WHERE execution_id = @executionId", new { executionId });
    }
}
