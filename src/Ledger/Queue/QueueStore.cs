using CallCampaigns.Domain.Calls;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Slots;
using CallCampaigns.Ledger.Suppressions;
using Dapper;
using System.Data.Common;

namespace CallCampaigns.Ledger.Queue;

/// <summary>A campaign's queue items and their calls: what is due, claiming an item for a dial, and applying outcomes.</summary>
public sealed class QueueStore(LedgerDatabase database, LedgerNode node)
{
    /// <summary>
    /// When a queued item is due, as SQL (<c>@now</c> a parameter): now, or its not-before time when that is later.
    /// Dispatch order is this, then priority descending, then join order: due items go by priority (exactly what
    /// the campaign dials next), items not yet due by their time.
    /// </summary>
    public const string DueTime = "CASE WHEN scheduled_for IS NULL OR scheduled_for < @now THEN @now ELSE scheduled_for END";

    /// <summary>
    /// Queued items past their not-before time and not held by the gate (<see cref="HoldStore"/>), in dispatch order, from after (<paramref name="afterPriority"/>,
    /// <paramref name="afterPosition"/>) on, each with its contact's clock: what the dial gate is asked about.
    /// </summary>
    public async Task<IReadOnlyList<QueuedSlot>> DueCandidatesAsync(long campaignId, long now, int limit, int? afterPriority = null, long afterPosition = 0)
    {
        await using var connection = await database.OpenAsync();
        var after = afterPriority is null ? "" : "AND (q.priority < @afterPriority OR (q.priority = @afterPriority AND q.position > @afterPosition))";
        return (await connection.QueryAsync<QueuedSlot>(
            $"""
            SELECT q.id, q.scheduled_for, q.attempts, q.phone_number, q.priority, q.position, q.capped_until, c.time_zone, c.region,
                {SuppressionSql.Columns}
            FROM queue_items q
                LEFT JOIN contacts c ON c.id = q.contact_id
                {SuppressionSql.Joins("q")}
            WHERE q.campaign_id = @campaignId AND q.status = 'queued' AND q.held_until = 0
              AND (q.scheduled_for IS NULL OR q.scheduled_for <= @now) {after}
            ORDER BY {DispatchOrder.Of("q")}
            LIMIT @limit
            """,
            new { campaignId, now, limit, afterPriority, afterPosition })).AsList();
    }

    /// <summary>Ends one queued item cancelled, with an outcome (may be null) and a reason; false when it was no longer queued.</summary>
    public async Task<bool> EndQueuedAsync(long campaignId, long itemId, string? outcome, string reason, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var ended = await connection.ExecuteAsync(
            """
            UPDATE queue_items SET status = 'cancelled', outcome = @outcome, failure_reason = @reason, updated_at = @now
            WHERE id = @itemId AND campaign_id = @campaignId AND status = 'queued'
            """,
            new { itemId, campaignId, outcome, reason, now }, transaction);
        if (ended == 1)
        {
            await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Queued, ItemStatus.Cancelled), new { CampaignId = campaignId, Now = now }, transaction);
        }

        await transaction.CommitAsync();
        return ended == 1;
    }

    /// <summary>The earliest not-before time among queued items that are not yet due.</summary>
    public async Task<DateTimeOffset?> NextNotBeforeAsync(long campaignId, DateTimeOffset at)
    {
        await using var connection = await database.OpenAsync();
        return UnixMs.ToTime(await connection.ExecuteScalarAsync<long?>(
            "SELECT min(scheduled_for) FROM queue_items WHERE campaign_id = @campaignId AND status = 'queued' AND scheduled_for IS NOT NULL AND scheduled_for > @now",
            new { campaignId, now = UnixMs.From(at) }));
    }

    /// <summary>
    /// Binds a granted lease to a queued item and marks it dialing, counting a new attempt, in one transaction.
    /// When the lease is gone or the item is no longer queued nothing changes, and nothing may be dialled. When its
    /// number is on a do-not-call list (however recently added) the item ends <c>do-not-call</c> instead and the lease
    /// stays free for the next item; when the frequency cap holds its number, the item is held until the cap lets it go.
    /// </summary>
    public async Task<ClaimResult> ClaimAsync(long campaignId, long itemId, long leaseId, long now, long leaseExpiresAt)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // One read for both checks: the number's do-not-call entry and the frequency cap that applies to its user.
        var check = await connection.QuerySingleOrDefaultAsync<ClaimCheck>(
            $"""
            SELECT q.user_id, q.phone_number, q.contact_id, {SuppressionSql.Columns},
                coalesce(u.call_cap_max, s.call_cap_max) AS max_calls,
                CASE WHEN u.call_cap_max IS NULL THEN s.call_cap_hours ELSE u.call_cap_hours END AS per_hours
            FROM queue_items q {SuppressionSql.Joins("q")}
            LEFT JOIN users u ON u.id = q.user_id LEFT JOIN system_settings s ON s.id = 1
            WHERE q.id = @itemId AND q.campaign_id = @campaignId AND q.status = 'queued'
            """,
            new { itemId, campaignId }, transaction);
        if (check is null) return ClaimResult.ItemNotQueued;
        if (check.DoNotCall() is { } entry)
        {
            var ended = await connection.ExecuteAsync(
                """
                UPDATE queue_items SET status = 'cancelled', outcome = @outcome, failure_reason = @reason, updated_at = @now
                WHERE id = @itemId AND status = 'queued'
                """,
                new { itemId, outcome = Suppression.Outcome, reason = entry.Describe(), now }, transaction);
            if (ended == 1) await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Queued, ItemStatus.Cancelled), new { CampaignId = campaignId, Now = now }, transaction);
            await transaction.CommitAsync();
            return ClaimResult.OnDoNotCallList;
        }

        if (await CapHoldAsync(connection, transaction, check, now) is { } cappedUntil)
        {
            // The number's quota is used: the item waits, held (passes skip it) until the cap lets it be dialled.
            await connection.ExecuteAsync(
                "UPDATE queue_items SET capped_until = @cappedUntil, held_until = @cappedUntil WHERE id = @itemId AND status = 'queued'",
                new { itemId, cappedUntil }, transaction);
            await transaction.CommitAsync();
            return ClaimResult.Capped(cappedUntil);
        }

        var attempts = await connection.ExecuteScalarAsync<int?>(
            """
            UPDATE queue_items SET status = 'dialing', attempts = attempts + 1, started_at = @now, ended_at = NULL, held_until = 0,
                execution_id = NULL, outcome = NULL, failure_reason = NULL, connected = false, updated_at = @now
            WHERE id = @itemId AND campaign_id = @campaignId AND status = 'queued'
            RETURNING attempts
            """,
            new { itemId, campaignId, now }, transaction);
        if (attempts is null) return ClaimResult.ItemNotQueued;
        var bound = await connection.ExecuteAsync(
            """
            UPDATE slot_leases SET campaign_id = @campaignId, item_id = @itemId, attempt = @attempts, expires_at = @leaseExpiresAt, node = @node
            WHERE id = @leaseId AND item_id IS NULL
            """,
            new { leaseId, campaignId, itemId, attempts, leaseExpiresAt, node = node.Id }, transaction);
        if (bound == 0)
        {
            await transaction.RollbackAsync();
            return ClaimResult.LeaseGone;
        }

        await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Queued, ItemStatus.Dialing), new { CampaignId = campaignId, Now = now }, transaction);
        await connection.ExecuteAsync(
            """
            INSERT INTO number_dials (user_id, phone_number, item_id, attempt, dialled_at)
            SELECT user_id, phone_number, id, attempts, @now FROM queue_items WHERE id = @itemId
            ON CONFLICT (item_id, attempt) DO UPDATE SET dialled_at = excluded.dialled_at
            """,
            new { itemId, now }, transaction);
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
    /// Inside a claim: when a frequency cap applies to the item's user (theirs, else the system's, read with the item), counts the number's
    /// dials in the cap's window, with the number's contact locked (PostgreSQL; SQLite's write transaction is already
    /// the only one) so that two claims of one number on two nodes are counted one after the other. Returns until when
    /// the cap holds the number, or null when it may be dialled now.
    /// </summary>
    private async Task<long?> CapHoldAsync(DbConnection connection, DbTransaction transaction, ClaimCheck cap, long now)
    {
        if (cap is not { MaxCalls: { } max, PerHours: { } hours }) return null;
        if (database.Dialect == LedgerDialect.Postgres && cap.ContactId is { } contactId)
        {
            await connection.ExecuteAsync("SELECT id FROM contacts WHERE id = @contactId FOR UPDATE", new { contactId }, transaction);
        }

        var rule = new CallCap(max, hours);
        var dials = await connection.QueryAsync<long>(
            "SELECT dialled_at FROM number_dials WHERE user_id = @UserId AND phone_number = @PhoneNumber AND dialled_at > @since",
            new { cap.UserId, cap.PhoneNumber, since = now - (long)rule.Window.TotalMilliseconds }, transaction);
        return UnixMs.From(rule.HeldUntil(dials.Select(UnixMs.ToTime).ToArray(), UnixMs.ToTime(now)));
    }

    /// <summary>What a claim checks before it binds: the item's number, its do-not-call entry and its user's cap.</summary>
    private sealed class ClaimCheck
    {
        public string UserId { get; init; } = "";
        public string PhoneNumber { get; init; } = "";
        public long? ContactId { get; init; }
        public string? DncSource { get; init; }
        public string? DncReason { get; init; }
        public long? DncCreatedAt { get; init; }
        public bool DncSystemWide { get; init; }
        public int? MaxCalls { get; init; }
        public int? PerHours { get; init; }

        public Suppression? DoNotCall() => SuppressionSql.Entry(PhoneNumber, DncSource, DncReason, DncCreatedAt, DncSystemWide);
    }

    /// <summary>
    /// Deletes up to <paramref name="batch"/> counted dials older than <paramref name="before"/>, oldest first (once
    /// older than any cap's window they never count again); returns how many.
    /// </summary>
    public async Task<int> DeleteDialsBeforeAsync(long before, int batch)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            """
            DELETE FROM number_dials WHERE (item_id, attempt) IN (
                SELECT item_id, attempt FROM number_dials WHERE dialled_at < @before ORDER BY dialled_at LIMIT @batch)
            """,
            new { before, batch });
    }

    /// <summary>
    /// Puts a claimed item back in the queue as if the dial never happened (no call was placed: the provider
    /// refused the request as a whole, or it was not sent) and releases its slot; returns true when the slot was
    /// released. An item whose contact was deleted meanwhile is cancelled instead: it is never dialled again. An item
    /// whose call was recorded meanwhile (a search that found nothing, applied after the dial's late answer) is left
    /// alone: the call is live and keeps its slot. With <paramref name="lostAnswerOnly"/> (a search found no call),
    /// only an item whose answer is still lost goes back: the same attempt claimed again since (its dial withdrawn
    /// meanwhile) is a new dial the search knew nothing of.
    /// </summary>
    public async Task<bool> ReturnToQueueAsync(long campaignId, long itemId, int attempt, long? notBefore, long now, bool lostAnswerOnly = false)
    {
        var lost = lostAnswerOnly ? "AND dial_unknown_at IS NOT NULL" : "";
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var moved = await connection.ExecuteAsync(
            $"""
            UPDATE queue_items SET status = 'queued', attempts = attempts - 1, started_at = NULL, dial_unknown_at = NULL,
                scheduled_for = coalesce(@notBefore, scheduled_for), updated_at = @now
            WHERE id = @itemId AND attempts = @attempt AND status = 'dialing' AND execution_id IS NULL AND contact_id IS NOT NULL {lost}
            """,
            new { itemId, attempt, notBefore, now }, transaction);
        var returned = moved == 1;
        if (returned)
        {
            await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Dialing, ItemStatus.Queued), new { CampaignId = campaignId, Now = now }, transaction);
        }
        else
        {
            returned = await connection.ExecuteAsync(
                $"""
                UPDATE queue_items SET status = 'cancelled', attempts = attempts - 1, started_at = NULL, dial_unknown_at = NULL,
                    failure_reason = 'contact deleted', updated_at = @now
                WHERE id = @itemId AND attempts = @attempt AND status = 'dialing' AND execution_id IS NULL AND contact_id IS NULL {lost}
                """,
                new { itemId, attempt, now }, transaction) == 1;
            if (returned)
            {
                await connection.ExecuteAsync(CounterColumns.Move(ItemStatus.Dialing, ItemStatus.Cancelled), new { CampaignId = campaignId, Now = now }, transaction);
            }
        }

        // A call recorded for this attempt meanwhile (its dial's answer came after all) keeps its slot and counts, and
        // so does the attempt's new dial when a search's answer came late.
        var released = lostAnswerOnly && !returned ? 0 : await connection.ExecuteAsync(
            "DELETE FROM slot_leases WHERE item_id = @itemId AND attempt = @attempt AND execution_id IS NULL", new { itemId, attempt }, transaction);
        if (returned || released == 1)
        {
            // No call was placed: it does not count towards the number's frequency cap.
            await connection.ExecuteAsync("DELETE FROM number_dials WHERE item_id = @itemId AND attempt = @attempt", new { itemId, attempt }, transaction);
        }

        await transaction.CommitAsync();
        return released == 1;
    }

    /// <summary>
    /// What decides, just before a dial is sent, whether it still may be: the item's state and its slot, and its
    /// campaign, in one round trip.
    /// </summary>
    public async Task<(DialCheck? Item, Domain.Campaigns.Campaign? Campaign)> DialCheckAsync(long itemId, int attempt)
    {
        await using var connection = await database.OpenAsync();
        await using var results = await connection.QueryMultipleAsync(
            """
            SELECT q.status, q.attempts, q.contact_id, q.dial_unknown_at,
                   EXISTS (SELECT 1 FROM slot_leases l WHERE l.item_id = q.id AND l.attempt = @attempt) AS lease_held
            FROM queue_items q WHERE q.id = @itemId;
            SELECT c.* FROM campaigns c JOIN queue_items q ON q.campaign_id = c.id WHERE q.id = @itemId
            """,
            new { itemId, attempt });
        return (await results.ReadSingleOrDefaultAsync<DialCheck>(), (await results.ReadSingleOrDefaultAsync<Campaigns.CampaignRecord>())?.ToCampaign());
    }

    /// <summary>Calls of a campaign that Bolna has accepted but not started yet (queued or scheduled there): they can still be stopped.</summary>
    public async Task<IReadOnlyList<string>> NotStartedCallsAsync(long campaignId)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            """
            SELECT a.execution_id FROM call_attempts a JOIN queue_items q ON q.id = a.item_id AND q.attempts = a.attempt
            WHERE a.campaign_id = @campaignId AND a.status_rank <= 1 AND q.status = 'dialing'
            """,
            new { campaignId })).AsList();
    }

    /// <summary>
    /// Records Bolna's execution id for an attempt; false when the execution is already another item's (the attempt
    /// stays as it was). Deliveries that came for it before, waiting in the inbox, become due at once (the caller
    /// signals the applier; this makes any node's sweep find them too). With <paramref name="leaseExpiresAt"/> (the
    /// dial's own answer), the slot's lease runs until then; without (a search found the call), it keeps its expiry.
    /// </summary>
    public async Task<bool> RecordDialAcceptedAsync(long campaignId, long itemId, int attempt, string executionId, long now, long? leaseExpiresAt)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var owner = await connection.ExecuteScalarAsync<long?>(
            """
            INSERT INTO call_attempts (execution_id, item_id, campaign_id, attempt, status, status_rank, dialed_at, updated_at)
            VALUES (@executionId, @itemId, @campaignId, @attempt, 'queued', 1, @now, @now)
            ON CONFLICT (execution_id) DO NOTHING;
            SELECT item_id FROM call_attempts WHERE execution_id = @executionId
            """,
            new { executionId, itemId, campaignId, attempt, now }, transaction);
        if (owner != itemId)
        {
            await transaction.RollbackAsync();
            return false;
        }

        await connection.ExecuteAsync(
            """
            UPDATE queue_items SET execution_id = @executionId, dial_unknown_at = NULL, updated_at = @now WHERE id = @itemId AND attempts = @attempt;
            UPDATE slot_leases SET execution_id = @executionId, expires_at = coalesce(@leaseExpiresAt, expires_at) WHERE item_id = @itemId AND attempt = @attempt;
            UPDATE call_events SET next_attempt_at = 0
            WHERE execution_id = @executionId AND applied_at IS NULL AND set_aside_at IS NULL AND next_attempt_at > 0
            """,
            new { executionId, itemId, attempt, now, leaseExpiresAt }, transaction);
        await transaction.CommitAsync();
        return true;
    }

    /// <summary>The executions among <paramref name="executionIds"/> that no item has.</summary>
    public async Task<IReadOnlyList<string>> UnboundExecutionsAsync(IReadOnlyList<string> executionIds)
    {
        if (executionIds.Count == 0) return [];
        await using var connection = await database.OpenAsync();
        var bound = (await connection.QueryAsync<string>(
            $"SELECT execution_id FROM call_attempts WHERE {database.IsAnyOf("execution_id", "@executionIds")}",
            new { executionIds = executionIds.ToArray() })).ToHashSet(StringComparer.Ordinal);
        return executionIds.Distinct(StringComparer.Ordinal).Where(id => !bound.Contains(id)).ToArray();
    }

    /// <summary>
    /// A dial whose answer was lost: the item stays dialing (the call may be live) with the time it became unknown, and
    /// its lease is next looked at <paramref name="checkAt"/>.
    /// </summary>
    public async Task MarkDialUnknownAsync(long itemId, int attempt, long now, long checkAt)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            UPDATE queue_items SET dial_unknown_at = @now, updated_at = @now WHERE id = @itemId AND attempts = @attempt AND status = 'dialing';
            UPDATE slot_leases SET expires_at = @checkAt WHERE item_id = @itemId AND attempt = @attempt
            """,
            new { itemId, attempt, now, checkAt }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// A dial Bolna refused, or a call given up: the item fails with the reason and its slot is released, in one
    /// transaction.
    /// </summary>
    public async Task<bool> RecordDialRejectedAsync(long campaignId, long itemId, int attempt, string outcome, string reason, DateTimeOffset at)
    {
        var now = UnixMs.From(at);
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var moved = await connection.ExecuteAsync(
            """
            UPDATE queue_items SET status = 'failed', outcome = @outcome, failure_reason = @reason, ended_at = @now, dial_unknown_at = NULL,
                updated_at = @now
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

    /// <summary>
    /// Calls whose line ended but whose final data is due to be looked for now; each is next looked for after as long
    /// again as it has waited (at least <paramref name="checkAfterMs"/>), and no more once <paramref name="maxCallMs"/>
    /// has passed since its dial.
    /// </summary>
    public async Task<IReadOnlyList<(string ExecutionId, long CampaignId)>> CallsAwaitingFinalDataAsync(long now, long checkAfterMs, long maxCallMs, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<(string, long)>(
            $"""
            UPDATE call_attempts SET final_check_at = CASE WHEN @now - dialed_at >= @maxCallMs THEN NULL
                ELSE @now + {database.Greatest}(@checkAfterMs, @now - coalesce(line_ended_at, @now)) END
            WHERE execution_id IN (
                SELECT execution_id FROM call_attempts WHERE final_check_at IS NOT NULL AND final_check_at <= @now
                ORDER BY final_check_at LIMIT @limit)
            RETURNING execution_id, campaign_id
            """,
            new { now, checkAfterMs, maxCallMs, limit })).AsList();
    }

    /// <summary>Cancels every queued item of a campaign with a reason; returns how many.</summary>
    public async Task<int> CancelQueuedAsync(long campaignId, string reason, DateTimeOffset at)
    {
        var now = UnixMs.From(at);
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
            SELECT queue_items.*, (SELECT l.expires_at FROM slot_leases l WHERE l.item_id = queue_items.id) AS dial_check_at
            FROM queue_items WHERE {filter}
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
