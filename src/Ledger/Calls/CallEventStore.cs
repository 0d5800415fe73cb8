using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Calls;

/// <summary>Where a webhook's execution id leads.</summary>
public sealed record CallOwner(long CampaignId, long ItemId);

/// <summary>The raw webhook log, and the look-up from an execution id to its call.</summary>
public sealed class CallEventStore(LedgerDatabase database)
{
    /// <summary>
    /// Stores a delivery as received, then looks up its call. Storing first matters: a webhook that arrives before
    /// the dial's answer is recorded stays in the log, where the dial's answer finds it.
    /// </summary>
    public async Task<CallOwner?> RecordAsync(string? executionId, string? status, string payload, long now)
    {
        await using var connection = await database.OpenAsync();
        const string Insert = "INSERT INTO call_events (received_at, execution_id, status, payload) VALUES (@now, @executionId, @status, @payload)";
        const string Owner = "SELECT campaign_id, item_id FROM call_attempts WHERE execution_id = @executionId";
        if (database.Dialect == LedgerDialect.Postgres)
        {
            // One round trip: the insert runs before the look-up, as the two statements of one command.
            return await connection.QuerySingleOrDefaultAsync<CallOwner>($"{Insert}; {Owner}", new { now, executionId, status, payload });
        }

        await connection.ExecuteAsync(Insert, new { now, executionId, status, payload });
        return await connection.QuerySingleOrDefaultAsync<CallOwner>(Owner, new { executionId });
    }
}
