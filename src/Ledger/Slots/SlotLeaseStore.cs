using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Slots;

/// <summary>Why a grant came back short.</summary>
public enum GrantLimit
{
    None,
    User,
    System,
}

/// <summary>Slots granted to a user, and what stopped the grant from being larger.</summary>
public sealed record SlotGrant(IReadOnlyList<long> LeaseIds, GrantLimit LimitedBy);

/// <summary>A bound lease whose time ran out.</summary>
public sealed class ExpiredLease
{
    public long Id { get; init; }
    public required string UserId { get; init; }
    public long CampaignId { get; init; }
    public long ItemId { get; init; }
    public int Attempt { get; init; }
    public string? ExecutionId { get; init; }
    public long GrantedAt { get; init; }
    public string? AgentId { get; init; }
    public string? PhoneNumber { get; init; }
    public long? DialledAt { get; init; }
    /// <summary>When the dial's answer was lost; null while it may still come (or it came).</summary>
    public long? DialUnknownAt { get; init; }
}

/// <summary>
/// The slot leases: the one truth about calls in flight. A grant inserts leases only while the user's and the
/// system's counts stay under their limits, inside a transaction that serialises with every other grant, so no
/// interleaving of nodes or duplicate activations can grant more than the limits allow.
/// </summary>
public sealed class SlotLeaseStore(LedgerDatabase database)
{
    public async Task<SlotGrant> TryGrantAsync(string userId, int wanted, long now, long expiresAt)
    {
        if (wanted <= 0) return new SlotGrant([], GrantLimit.None);
        var grant = new { userId, wanted, now, expiresAt };
        await using var connection = await database.OpenAsync();
        if (database.Dialect == LedgerDialect.Postgres)
        {
            // One round trip, one implicit transaction: lock the system row (every grant takes it, and so does a change
            // of the system limit), share-lock the user's row (a change of the user's limit waits), then count and
            // insert in a statement of its own, so that its snapshot is taken after the locks are held.
            await using var results = await connection.QueryMultipleAsync(
                $"""
                SELECT 1 FROM system_settings WHERE id = 1 FOR UPDATE;
                SELECT 1 FROM users WHERE id = @userId FOR SHARE;
                INSERT INTO slot_leases (user_id, granted_at, expires_at)
                SELECT @userId, @now, @expiresAt FROM generate_series(1, greatest(0, least(@wanted, ({SystemRoom}), ({UserRoom}))))
                RETURNING id;
                SELECT ({SystemRoom}) AS system, ({UserRoom}) AS "user"
                """,
                grant);
            await results.ReadAsync<int>();
            await results.ReadAsync<int>();
            var ids = (await results.ReadAsync<long>()).AsList();
            var left = await results.ReadSingleAsync<(long System, long User)>();
            return new SlotGrant(ids, Limit(ids.Count, wanted, left.System));
        }

        // SQLite: every write transaction is exclusive (BEGIN IMMEDIATE), so the count and the inserts see every grant.
        await using var transaction = await connection.BeginTransactionAsync();
        var room = await connection.QuerySingleOrDefaultAsync<(long System, long User)>(
            $"SELECT ({SystemRoom}), ({UserRoom})", grant, transaction);
        var granted = (int)Math.Max(0, Math.Min(wanted, Math.Min(room.System, room.User)));
        var leaseIds = new List<long>(granted);
        for (var i = 0; i < granted; i++)
        {
            leaseIds.Add(await connection.ExecuteScalarAsync<long>(
                "INSERT INTO slot_leases (user_id, granted_at, expires_at) VALUES (@userId, @now, @expiresAt) RETURNING id", grant, transaction));
        }

        await transaction.CommitAsync();
        return new SlotGrant(leaseIds, Limit(granted, wanted, room.System - granted));
    }

    private const string SystemRoom =
        "SELECT s.system_concurrency_limit - (SELECT count(*) FROM slot_leases) FROM system_settings s WHERE s.id = 1";

    private const string UserRoom =
        "SELECT u.concurrency_limit - (SELECT count(*) FROM slot_leases l WHERE l.user_id = u.id) FROM users u WHERE u.id = @userId";

    private static GrantLimit Limit(int granted, int wanted, long systemRoomLeft) =>
        granted == wanted ? GrantLimit.None : systemRoomLeft <= 0 ? GrantLimit.System : GrantLimit.User;

    /// <summary>Gives back leases that were never bound to an item; returns how many were still held.</summary>
    public async Task<int> ReturnUnboundAsync(IReadOnlyCollection<long> leaseIds)
    {
        if (leaseIds.Count == 0) return 0;
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            $"DELETE FROM slot_leases WHERE {database.IsAnyOf("id", "@leaseIds")} AND item_id IS NULL", new { leaseIds = leaseIds.ToArray() });
    }

    /// <summary>Deletes leases granted before <paramref name="grantedBefore"/> that no item ever bound; returns their users.</summary>
    public async Task<IReadOnlyList<string>> ReclaimUnboundAsync(long grantedBefore)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<string>(
            "DELETE FROM slot_leases WHERE item_id IS NULL AND granted_at < @grantedBefore RETURNING user_id",
            new { grantedBefore })).AsList();
    }

    /// <summary>
    /// Leases of calls whose time ran out, with what is needed to look the call up, each next looked at after as long
    /// as its slot has been held, between <paramref name="searchAfterMs"/> and <paramref name="searchAtMostEveryMs"/>:
    /// a call Bolna named, at the latest at <paramref name="extendTo"/> (a call taken over from a dead node, whose
    /// line end Bolna may have sent to that node, is looked up again within seconds, not one stale period later); a
    /// dial whose call is still being searched for, and once more when it reaches <paramref name="giveUpAfterMs"/>.
    /// A dial whose answer never came (its lease's first expiry) is marked lost as of now and looked at again after
    /// <paramref name="searchAfterMs"/>.
    /// </summary>
    public async Task<IReadOnlyList<ExpiredLease>> ExpiredAsync(long now, long extendTo, long searchAfterMs, long searchAtMostEveryMs, long giveUpAfterMs)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // Two activations of the reconciler (a failover's moment) never take the same lease: on PostgreSQL the second
        // skips the rows the first holds; SQLite has one writer.
        var skipTaken = database.Dialect == LedgerDialect.Postgres ? "FOR UPDATE OF l SKIP LOCKED" : "";
        var expired = (await connection.QueryAsync<ExpiredLease>(
            $"""
            SELECT l.id, l.user_id, l.campaign_id, l.item_id, l.attempt, l.execution_id, l.granted_at,
                   c.agent_id, q.phone_number, q.started_at AS dialled_at,
                   coalesce(q.dial_unknown_at, CASE WHEN l.execution_id IS NULL AND q.status = 'dialing' THEN @now END) AS dial_unknown_at
            FROM slot_leases l
            LEFT JOIN queue_items q ON q.id = l.item_id
            LEFT JOIN campaigns c ON c.id = l.campaign_id
            WHERE l.item_id IS NOT NULL AND l.expires_at < @now
            {skipTaken}
            """,
            new { now }, transaction)).AsList();
        // A claim whose dial never answered (the lease's first expiry, DialAnswerTimeout): its answer is lost as of now,
        // so the dial is not sent any more if it has not been, and the search for its call covers the claim up to now.
        // Found through the expired leases (a few rows), never by a scan of the queue.
        var unanswered = expired.Where(l => l.ExecutionId is null).Select(l => l.ItemId).ToArray();
        var lost = unanswered.Length == 0 ? [] : (await connection.QueryAsync<long>(
            $"""
            UPDATE queue_items SET dial_unknown_at = @now, updated_at = @now
            WHERE {database.IsAnyOf("id", "@unanswered")} AND status = 'dialing' AND dial_unknown_at IS NULL AND EXISTS (
                SELECT 1 FROM slot_leases l WHERE l.item_id = queue_items.id AND l.attempt = queue_items.attempts AND l.execution_id IS NULL)
            RETURNING id
            """,
            new { now, unanswered }, transaction)).ToArray();
        if (expired.Count == 0) return expired;
        await connection.ExecuteAsync(
            $"""
            UPDATE slot_leases SET expires_at = CASE WHEN execution_id IS NULL
                THEN {database.Least}(granted_at + @giveUpAfterMs + 1, @now + {database.Greatest}(@searchAfterMs, {database.Least}(@searchAtMostEveryMs, @now - granted_at)))
                ELSE {database.Least}(@extendTo, @now + {database.Greatest}(@searchAfterMs, {database.Least}(@searchAtMostEveryMs, @now - granted_at))) END
            WHERE {database.IsAnyOf("id", "@taken")}
            """,
            new { now, extendTo, searchAfterMs, searchAtMostEveryMs, giveUpAfterMs, taken = expired.Select(l => l.Id).ToArray() }, transaction);
        if (lost.Length > 0)
        {
            // Their search's window is over once the clocks' skew has passed: the next search, soon, can say "absent".
            await connection.ExecuteAsync(
                $"UPDATE slot_leases SET expires_at = @now + @searchAfterMs WHERE execution_id IS NULL AND {database.IsAnyOf("item_id", "@lost")}",
                new { now, searchAfterMs, lost }, transaction);
        }

        await transaction.CommitAsync();
        return expired;
    }

    /// <summary>
    /// Brings the expiry of calls bound by nodes that are gone (not in <paramref name="liveNodes"/>) to
    /// <paramref name="now"/>, so the reconciler looks them up on its next tick; returns how many.
    /// </summary>
    public async Task<int> ExpireOrphansAsync(IReadOnlyCollection<string> liveNodes, long now)
    {
        var orphans = new { now, liveNodes = liveNodes.ToArray() };
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        // A dial the gone node claimed but never recorded: its answer is lost as of now (the node cannot send it any
        // more), so the search for its call covers the dial's window up to now rather than a whole dial timeout.
        await connection.ExecuteAsync(
            $"""
            UPDATE queue_items SET dial_unknown_at = @now, updated_at = @now
            WHERE status = 'dialing' AND dial_unknown_at IS NULL AND EXISTS (
                SELECT 1 FROM slot_leases l
                WHERE l.item_id = queue_items.id AND l.attempt = queue_items.attempts AND l.execution_id IS NULL
                  AND (l.node IS NULL OR NOT ({database.IsAnyOf("l.node", "@liveNodes")})))
            """,
            orphans, transaction);
        var expired = await connection.ExecuteAsync(
            $"UPDATE slot_leases SET expires_at = @now WHERE item_id IS NOT NULL AND expires_at > @now AND (node IS NULL OR NOT ({database.IsAnyOf("node", "@liveNodes")}))",
            orphans, transaction);
        await transaction.CommitAsync();
        return expired;
    }

    public async Task<int> CountAsync(string? userId = null)
    {
        await using var connection = await database.OpenAsync();
        return userId is null
            ? await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM slot_leases")
            : await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM slot_leases WHERE user_id = @userId", new { userId });
    }
}
