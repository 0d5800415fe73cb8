using CallCampaigns.Domain.Calls;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Queue;

/// <summary>A campaign's queue items and their calls: what is due, claiming an item for a dial, and applying outcomes.</summary>
public sealed class QueueStore(LedgerDatabase database)
{
    /// <summary>
    /// When a queued item is due, as SQL (<c>@now</c> a parameter): now, or its not-before time when that is later.
    /// Dispatch order is this, then priority descending, then join order: due items go by priority (exactly what
    /// the campaign dials next), items not yet due by their time.
    /// </summary>
    public const string DueTime = "CASE WHEN scheduled_for IS NULL OR scheduled_for < @now THEN @now ELSE scheduled_for END";

    /// <summary>Ids of queued items that may be dialled at <paramref name="now"/>, in dispatch order.</summary>
    public async Task<IReadOnlyList<long>> DueItemIdsAsync(long campaignId, long now, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<long>(
            """
            SELECT id FROM queue_items
            WHERE campaign_id = @campaignId AND status = 'queued' AND (scheduled_for IS NULL OR scheduled_for <= @now)
            ORDER BY priority DESC, position
            LIMIT @limit
            """,
            new { campaignId, now, limit })).AsList();
    }

    /// <summary>The earliest not-before time among queued items that are not yet due.</summary>
    public async Task<long?> NextNotBeforeAsync(long campaignId, long now)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long?>(
            "SELECT min(scheduled_for) FROM queue_items WHERE campaign_id = @campaignId AND status = 'queued' AND scheduled_for > @now",
            new { campaignId, now });
    }

    /// <summary>
    /// Binds a granted lease to a queued item and marks it dialing, counting a new attempt, in one transaction.
    /// When the lease is gone or the item is no longer queued nothing changes, and nothing may be dialled.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(long campaignId, long itemId, long leaseId, long now, long leaseExpiresAt)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var attempts = await connection.ExecuteScalarAsync<int?>(
            """
            UPDATE queue_items SET status = 'dialing', attempts = attempts + 1, started_at = @now, ended_at = NULL,
                execution_id = NULL, outcome = NULL, failure_reason = NULL, connected = false, updated_at = @now
            WHERE id = @itemId AND campaign_id = @campaignId AND status = 'queued'
            RETURNING attempts
            """,
            new { itemId, campaignId, now }, transaction);
        if (attempts is null) return ClaimResult.ItemNotQueued;
        var bound = await connection.ExecuteAsync(
            """
            UPDATE slot_leases SET campaign_id = @campaignId, item_id = @itemId, attempt = @attempts, expires_at = @leaseExpiresAt
            WHERE id = @leaseId AND item_id IS NULL
            """,
            new { leaseId, campaignId, itemId, attempts, leaseExpiresAt }, transaction);
        if (bound == 0)
        {
            await transaction.RollbackAsync();
            return ClaimResult.LeaseGone;
        }

        await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Queued, ItemStatus.Dialing), new { CampaignId = campaignId, Now = now }, transaction);
        var claimed = await connection.QuerySingleAsync<ClaimedItem>(
            """
            SELECT q.id, q.attempts, q.phone_number, q.contact_name, c.email, c.company, c.custom_fields,
                   c.last_conversation_at, c.last_transcript_summary
            FROM queue_items q LEFT JOIN contacts c ON c.id = q.contact_id
            WHERE q.id = @itemId
            """,
            new { itemId }, transaction);
        await transaction.CommitAsync();
        return new ClaimResult(claimed, false);
    }

    /// <summary>
    /// Puts a claimed item back in the queue as if the dial never happened (no call was placed: the provider
    /// refused the request as a whole) and releases its slot; returns true when the slot was released.
    /// </summary>
    public async Task<bool> ReturnToQueueAsync(long campaignId, long itemId, int attempt, long? notBefore, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var moved = await connection.ExecuteAsync(
            """
            UPDATE queue_items SET status = 'queued', attempts = attempts - 1, started_at = NULL,
                scheduled_for = coalesce(@notBefore, scheduled_for), updated_at = @now
            WHERE id = @itemId AND attempts = @attempt AND status = 'dialing'
            """,
            new { itemId, attempt, notBefore, now }, transaction);
        if (moved == 1)
        {
            await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Dialing, ItemStatus.Queued), new { CampaignId = campaignId, Now = now }, transaction);
        }

        var released = await connection.ExecuteAsync(
            "DELETE FROM slot_leases WHERE item_id = @itemId AND attempt = @attempt", new { itemId, attempt }, transaction);
        await transaction.CommitAsync();
        return released == 1;
    }

    /// <summary>
    /// Records Bolna's execution id for an attempt, then returns the webhooks that arrived for it before this answer
    /// (applying one again changes nothing, so a webhook counted both ways is harmless).
    /// </summary>
    public async Task<IReadOnlyList<string>> RecordDialAcceptedAsync(long campaignId, long itemId, int attempt, string executionId, long now)
    {
        await using var connection = await database.OpenAsync();
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await connection.ExecuteAsync(
                """
                INSERT INTO call_attempts (execution_id, item_id, campaign_id, attempt, status, status_rank, dialed_at, updated_at)
                VALUES (@executionId, @itemId, @campaignId, @attempt, 'queued', 1, @now, @now)
                ON CONFLICT (execution_id) DO NOTHING
                """,
                new { executionId, itemId, campaignId, attempt, now }, transaction);
            await connection.ExecuteAsync(
                "UPDATE queue_items SET execution_id = @executionId, updated_at = @now WHERE id = @itemId AND attempts = @attempt",
                new { executionId, itemId, attempt, now }, transaction);
            await connection.ExecuteAsync(
                "UPDATE slot_leases SET execution_id = @executionId WHERE item_id = @itemId AND attempt = @attempt",
                new { executionId, itemId, attempt }, transaction);
            await transaction.CommitAsync();
        }

        return (await connection.QueryAsync<string>(
            "SELECT payload FROM call_events WHERE execution_id = @executionId ORDER BY id",
            new { executionId })).AsList();
    }

    /// <summary>
    /// A dial Bolna refused, or a call given up: the item fails with the reason and its slot is released, in one
    /// transaction.
    /// </summary>
    public async Task<bool> RecordDialRejectedAsync(long campaignId, long itemId, int attempt, string outcome, string reason, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var moved = await connection.ExecuteAsync(
            """
            UPDATE queue_items SET status = 'failed', outcome = @outcome, failure_reason = @reason, ended_at = @now, updated_at = @now
            WHERE id = @itemId AND attempts = @attempt AND status IN ('dialing', 'in-progress')
            """,
            new { itemId, attempt, outcome, reason, now }, transaction);
        if (moved == 1)
        {
            await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Dialing, ItemStatus.Failed), new { CampaignId = campaignId, Now = now }, transaction);
        }

        var released = await connection.ExecuteAsync(
            "DELETE FROM slot_leases WHERE item_id = @itemId AND attempt = @attempt", new { itemId, attempt }, transaction);
        await transaction.CommitAsync();
        return released == 1;
    }

    public async Task<AttemptRow?> FindAttemptAsync(string executionId)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<AttemptRow>(
            """
            SELECT a.execution_id, a.item_id, a.campaign_id, a.attempt, a.status, a.status_rank, a.provider_updated_at,
                   a.saw_in_progress, a.line_ended_at, q.status AS item_status, q.attempts AS item_attempts, q.contact_id
            FROM call_attempts a JOIN queue_items q ON q.id = a.item_id
            WHERE a.execution_id = @executionId
            """,
            new { executionId });
    }

    /// <summary>
    /// Writes one report's effects, all or nothing, in one round trip; returns true when it released the attempt's
    /// slot.
    /// </summary>
    public async Task<bool> ApplyProgressAsync(ProgressWrite write)
    {
        var statements = new List<string>
        {
            """
            UPDATE call_attempts SET status = @Status, status_rank = @Rank, provider_updated_at = @ProviderUpdatedAt,
                saw_in_progress = @SawInProgress,
                line_ended_at = CASE WHEN @LineEndsNow THEN coalesce(line_ended_at, @Now) ELSE line_ended_at END,
                duration_seconds = coalesce(@DurationSeconds, duration_seconds), cost_cents = coalesce(@CostCents, cost_cents),
                updated_at = @Now
            WHERE execution_id = @ExecutionId
            """,
        };

        if (write.ItemTo is { } to)
        {
            const string Move = """
                UPDATE queue_items SET status = @ItemTo, outcome = @Status, connected = @Connected,
                    failure_reason = @FailureReason,
                    ended_at = CASE WHEN @ItemTo = 'in-progress' THEN ended_at ELSE coalesce(ended_at, @Now) END,
                    scheduled_for = CASE WHEN @ItemTo = 'queued' THEN @RetryNotBefore ELSE scheduled_for END,
                    updated_at = @Now
                WHERE id = @ItemId AND attempts = @Attempt AND status = @ItemFrom
                """;
            statements.AddRange(CounterColumns.MoveIfMoved(database.Dialect, Move, write.ItemFrom, to));
        }

        if (write.IsCurrentAttempt && CallStatus.IsLineEnded(write.Status))
        {
            statements.Add(
                """
                UPDATE queue_items SET outcome = @Status,
                    duration_seconds = coalesce(@DurationSeconds, duration_seconds), cost_cents = coalesce(@CostCents, cost_cents),
                    transcript = coalesce(@Transcript, transcript), summary = coalesce(@Summary, summary),
                    recording_url = coalesce(@RecordingUrl, recording_url), hangup_reason = coalesce(@HangupReason, hangup_reason),
                    updated_at = @Now
                WHERE id = @ItemId AND attempts = @Attempt
                """);
        }

        if (write.UpdateContactHistory && write.ContactId is not null)
        {
            statements.Add(write.Connected
                ? """
                  UPDATE contacts SET successful_calls = successful_calls + 1, last_conversation_at = @Now,
                      last_transcript_summary = coalesce(@Summary, last_transcript_summary), updated_at = @Now
                  WHERE id = @ContactId
                  """
                : "UPDATE contacts SET not_connected_calls = not_connected_calls + 1, updated_at = @Now WHERE id = @ContactId");
        }

        // The only statement that returns a row: the lease it released.
        if (write.LineEndsNow) statements.Add("DELETE FROM slot_leases WHERE item_id = @ItemId AND attempt = @Attempt RETURNING id");

        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginBatchAsync(connection);
        var released = await connection.ExecuteScalarAsync<long?>(string.Join(";\n", statements), write, transaction);
        if (transaction is not null) await transaction.CommitAsync();
        return released is not null;
    }

    /// <summary>Cancels every queued item of a campaign with a reason; returns how many.</summary>
    public async Task<int> CancelQueuedAsync(long campaignId, string reason, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var cancelled = await connection.ExecuteAsync(
            """
            UPDATE queue_items SET status = 'cancelled', failure_reason = @reason, updated_at = @now
            WHERE campaign_id = @campaignId AND status = 'queued'
            """,
            new { campaignId, reason, now }, transaction);
        await connection.ExecuteAsync(
            CounterColumns.Move(ItemStatus.Queued, ItemStatus.Cancelled, "@cancelled"),
            new { CampaignId = campaignId, Now = now, cancelled }, transaction);
        await transaction.CommitAsync();
        return cancelled;
    }

    /// <summary>
    /// A page of a campaign's items: queued ones first in dispatch order, then the rest, most recent first.
    /// </summary>
    public async Task<(IReadOnlyList<QueueItemRow> Items, int Total)> ListAsync(long campaignId, string? status, int page, int pageSize, long now)
    {
        var offset = (page - 1) * pageSize;
        var filter = status is null ? "campaign_id = @campaignId" : "campaign_id = @campaignId AND status = @status";
        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM queue_items WHERE {filter}", new { campaignId, status });
        var items = await connection.QueryAsync<QueueItemRow>(
            $"""
            SELECT * FROM queue_items WHERE {filter}
            ORDER BY CASE WHEN status = 'queued' THEN 0 ELSE 1 END,
                     CASE WHEN status = 'queued' THEN {DueTime} ELSE 0 END,
                     CASE WHEN status = 'queued' THEN -priority ELSE 0 END,
                     CASE WHEN status = 'queued' THEN position ELSE 0 END,
                     updated_at DESC, id DESC
            LIMIT @pageSize OFFSET @offset
            """,
            new { campaignId, status, pageSize, offset, now });
        return (items.AsList(), total);
    }
}
