using System.Data.Common;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;

namespace CallCampaigns.Ledger.Calls;

/// <summary>One delivery to store: Bolna's execution object as received (or as a look-up answered it).</summary>
public sealed record NewDelivery(string ExecutionId, string Status, string Payload, string Source = NewDelivery.Webhook)
{
    public const string Webhook = "webhook";
    public const string Lookup = "lookup";
}

/// <summary>A stored delivery not applied yet.</summary>
public sealed class PendingDelivery
{
    public long Id { get; init; }
    public required string ExecutionId { get; init; }
    public required string Payload { get; init; }
    public int Attempts { get; init; }
}

/// <summary>
/// One execution's pending deliveries, oldest first, with our call of that execution and its campaign (null while
/// the dial's answer is not recorded, or when it is none of ours).
/// </summary>
public sealed record PendingExecution(string ExecutionId, AttemptRow? Attempt, Domain.Campaigns.Campaign? Campaign, IReadOnlyList<PendingDelivery> Deliveries);

/// <summary>A delivery that failed to apply too often, set aside with its last error.</summary>
public sealed class SetAsideDelivery
{
    public long Id { get; init; }
    public string? ExecutionId { get; init; }
    public string? Status { get; init; }
    public required string Source { get; init; }
    public long ReceivedAt { get; init; }
    public int Attempts { get; init; }
    public string? LastError { get; init; }
    public long SetAsideAt { get; init; }
}

/// <summary>
/// The webhook inbox (<c>call_events</c>): deliveries stored as received and applied later, in order per execution,
/// by any node. A delivery is pending until its applied mark is written in the same transaction as its effects.
/// </summary>
public sealed class InboxStore(LedgerDatabase database)
{
    private const string Pending = "applied_at IS NULL AND set_aside_at IS NULL";

    /// <summary>Stores deliveries from many requests at once, in one statement (PostgreSQL) or one transaction (SQLite).</summary>
    public async Task StoreAsync(IReadOnlyList<NewDelivery> deliveries, long now)
    {
        if (deliveries.Count == 0) return;
        if (database.Dialect == LedgerDialect.Postgres)
        {
            await using var connection = await database.OpenAsync();
            await connection.ExecuteAsync(
                """
                INSERT INTO call_events (received_at, execution_id, status, payload, source)
                SELECT @now, t.e, t.s, t.p, t.src FROM unnest(@Executions, @Statuses, @Payloads, @Sources) AS t(e, s, p, src)
                """,
                new
                {
                    now,
                    Executions = deliveries.Select(d => d.ExecutionId).ToArray(),
                    Statuses = deliveries.Select(d => d.Status).ToArray(),
                    Payloads = deliveries.Select(d => d.Payload).ToArray(),
                    Sources = deliveries.Select(d => d.Source).ToArray(),
                });
            return;
        }

        using var turn = await database.WriterTurnAsync();
        var writer = await database.Writer!.ConnectionAsync();
        await using var transaction = await writer.BeginTransactionAsync();
        await writer.ExecuteAsync(
            "INSERT INTO call_events (received_at, execution_id, status, payload, source) VALUES (@Now, @ExecutionId, @Status, @Payload, @Source)",
            deliveries.Select(d => new { Now = now, d.ExecutionId, d.Status, d.Payload, d.Source }), transaction);
        await transaction.CommitAsync();
    }

    /// <summary>Executions with deliveries due for applying, oldest first.</summary>
    public async Task<IReadOnlyList<string>> DueExecutionsAsync(long now, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            $"""
            SELECT execution_id FROM call_events WHERE {Pending} AND next_attempt_at <= @now
            GROUP BY execution_id ORDER BY min(id) LIMIT @limit
            """,
            new { now, limit })).AsList();
    }

    /// <summary>The most deliveries one application reads.</summary>
    public const int MaxDeliveriesApplied = 2000;

    /// <summary>
    /// Opens the transaction that applies the pending deliveries of some executions: their attempts and items are
    /// locked (on PostgreSQL; SQLite's write transaction is exclusive anyway, and this process's writers take turns),
    /// so one execution is applied by one node at a time.
    /// </summary>
    public async Task<InboxApplication> BeginApplyAsync(IReadOnlyList<string> executionIds, int limit = MaxDeliveriesApplied)
    {
        // On SQLite the turn comes first: the writer's kept connection is its holder's.
        var turn = await database.WriterTurnAsync();
        DbConnection? connection = null;
        DbTransaction? transaction = null;
        try
        {
            connection = database.Writer is { } writer ? await writer.ConnectionAsync() : await database.OpenAsync();
            transaction = await connection.BeginTransactionAsync();
            var lockRows = database.Dialect == LedgerDialect.Postgres ? "FOR UPDATE OF a, q" : "";
            var ids = executionIds.ToArray();
            await using var results = await connection.QueryMultipleAsync(
                $"""
                SELECT a.execution_id, a.item_id, a.campaign_id, a.attempt, a.status, a.status_rank, a.provider_updated_at,
                       a.saw_in_progress, a.line_ended_at, q.status AS item_status, q.attempts AS item_attempts, q.contact_id
                FROM call_attempts a JOIN queue_items q ON q.id = a.item_id
                WHERE {database.IsAnyOf("a.execution_id", "@ids")} ORDER BY a.execution_id {lockRows};
                SELECT * FROM campaigns WHERE id IN (SELECT campaign_id FROM call_attempts WHERE {database.IsAnyOf("execution_id", "@ids")});
                SELECT id, execution_id, payload, attempts FROM call_events
                WHERE {database.IsAnyOf("execution_id", "@ids")} AND {Pending} ORDER BY id LIMIT @limit
                """,
                new { ids, limit }, transaction);
            var attempts = (await results.ReadAsync<AttemptRow>()).ToDictionary(a => a.ExecutionId, StringComparer.Ordinal);
            var campaigns = (await results.ReadAsync<Campaigns.CampaignRecord>()).Select(c => c.ToCampaign()).ToDictionary(c => c.Id);
            var deliveries = (await results.ReadAsync<PendingDelivery>()).AsList();
            var executions = deliveries.GroupBy(d => d.ExecutionId, StringComparer.Ordinal).Select(group =>
            {
                var attempt = attempts.GetValueOrDefault(group.Key);
                var campaign = attempt is null ? null : campaigns.GetValueOrDefault(attempt.CampaignId);
                return new PendingExecution(group.Key, attempt, campaign, group.ToArray());
            }).ToArray();
            return new InboxApplication(database, connection, transaction, turn, executions, deliveries.Count == limit);
        }
        catch
        {
            // Rolled back here: the SQLite writer's kept connection must not keep a transaction for its next holder.
            if (transaction is not null) await transaction.DisposeAsync();
            if (database.Writer is null && connection is not null) await connection.DisposeAsync();
            turn?.Dispose();
            throw;
        }
    }

    /// <summary>
    /// An execution's deliveries failed to apply: the oldest counts a failure, and after <paramref name="setAsideAfter"/>
    /// of them it is set aside (returns true), so that it never blocks those behind it: they are due at once. Otherwise
    /// all wait as long as <paramref name="backoff"/> says for the oldest one's count of failures.
    /// </summary>
    public async Task<bool> RecordFailureAsync(string executionId, string error, long now, int setAsideAfter, Func<int, TimeSpan> backoff)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var head = await connection.QuerySingleOrDefaultAsync<(int Attempts, long? SetAsideAt)>(
            $"""
            UPDATE call_events SET attempts = attempts + 1, last_error = @error,
                set_aside_at = CASE WHEN attempts + 1 >= @setAsideAfter THEN @now ELSE NULL END
            WHERE id = (SELECT min(id) FROM call_events WHERE execution_id = @executionId AND {Pending})
            RETURNING attempts, set_aside_at
            """,
            new { executionId, error = error.Length > 2000 ? error[..2000] : error, now, setAsideAfter }, transaction);
        var setAside = head.SetAsideAt is not null;
        await connection.ExecuteAsync(
            $"UPDATE call_events SET next_attempt_at = @retryAt WHERE execution_id = @executionId AND {Pending}",
            new { executionId, retryAt = setAside ? 0 : now + (long)backoff(head.Attempts).TotalMilliseconds }, transaction);
        await transaction.CommitAsync();
        return setAside;
    }

    /// <summary>Deliveries set aside, newest first.</summary>
    public async Task<(IReadOnlyList<SetAsideDelivery> Items, int Total)> ListSetAsideAsync(int page, int pageSize)
    {
        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM call_events WHERE set_aside_at IS NOT NULL AND applied_at IS NULL");
        var items = await connection.QueryAsync<SetAsideDelivery>(
            """
            SELECT id, execution_id, status, source, received_at, attempts, last_error, set_aside_at FROM call_events
            WHERE set_aside_at IS NOT NULL AND applied_at IS NULL ORDER BY id DESC LIMIT @pageSize OFFSET @offset
            """,
            new { pageSize, offset = (long)(page - 1) * pageSize });
        return (items.AsList(), total);
    }

    /// <summary>Puts a set-aside delivery back in line (after a fix); returns its execution, or null when there is no such delivery.</summary>
    public async Task<string?> RetrySetAsideAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<string?>(
            """
            UPDATE call_events SET set_aside_at = NULL, attempts = 0, next_attempt_at = 0
            WHERE id = @id AND set_aside_at IS NOT NULL AND applied_at IS NULL RETURNING execution_id
            """,
            new { id });
    }

    /// <summary>
    /// Deletes, in one small batch, deliveries applied (or set aside) and received before <paramref name="appliedBefore"/>, and deliveries received
    /// before <paramref name="unmatchedBefore"/> whose execution is none of ours; returns how many.
    /// </summary>
    public async Task<int> DeleteExpiredAsync(long appliedBefore, long unmatchedBefore, int batch)
    {
        // Oldest first along the primary key, so each batch reads little more than the rows it deletes.
        await using var connection = await database.OpenAsync();
        var applied = await connection.ExecuteAsync(
            """
            DELETE FROM call_events WHERE id IN (
                SELECT id FROM call_events WHERE (applied_at IS NOT NULL OR set_aside_at IS NOT NULL) AND received_at < @appliedBefore
                ORDER BY id LIMIT @batch)
            """,
            new { appliedBefore, batch });
        var unmatched = await connection.ExecuteAsync(
            $"""
            DELETE FROM call_events WHERE id IN (
                SELECT e.id FROM call_events e WHERE e.{Pending} AND e.received_at < @unmatchedBefore
                    AND NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.execution_id = e.execution_id)
                ORDER BY e.id LIMIT @batch)
            """,
            new { unmatchedBefore, batch });
        return applied + unmatched;
    }

    /// <summary>Deliveries not applied yet (set-aside ones not counted).</summary>
    public async Task<int> CountPendingAsync()
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM call_events WHERE {Pending}");
    }
}
