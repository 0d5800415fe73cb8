using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Queue;

/// <summary>What a forecast of a campaign's queue starts from: the slots in use, who competes for them, how long calls take.</summary>
public sealed record ForecastInputs(
    int UserLimit, int UserInUse, int SystemLimit, int SystemInUse, IReadOnlyList<int> WaitingUserLimits, int UserCampaignsWaiting,
    double? AverageCallSeconds, IReadOnlyList<long> InFlightSince, long? LastNotBefore);

/// <summary>A queued item as the forecast sees it, in dispatch order.</summary>
public sealed class QueuedSlot
{
    public long Id { get; init; }
    public long? ScheduledFor { get; init; }
    public int Attempts { get; init; }
    public int Priority { get; init; }
    public long Position { get; init; }
    public string PhoneNumber { get; init; } = "";
    /// <summary>The contact's stored zones and region (see <c>ContactRow.Clock</c>).</summary>
    public string? TimeZone { get; init; }
    public string? Region { get; init; }
    /// <summary>The do-not-call entry of the number (the user's, else the system's), when the read joined them.</summary>
    public string? DncSource { get; init; }
    public string? DncReason { get; init; }
    public long? DncCreatedAt { get; init; }
    public bool DncSystemWide { get; init; }
    /// <summary>Until when the frequency cap holds the number (epoch ms; 0: it does not).</summary>
    public long CappedUntil { get; init; }

    public DateTimeOffset? Capped() => CappedUntil > 0 ? Infrastructure.UnixMs.ToTime(CappedUntil) : null;

    public Domain.Suppressions.Suppression? DoNotCall() => Suppressions.SuppressionSql.Entry(PhoneNumber, DncSource, DncReason, DncCreatedAt, DncSystemWide);

    /// <summary>The contact's clock: as stored, or read from the number when none was stored.</summary>
    public Domain.Contacts.ContactClock Clock() =>
        TimeZone is null && Region is null ? Domain.Contacts.ContactTimes.ForNumber(PhoneNumber) : Domain.Contacts.ContactClock.FromStored(TimeZone, Region);
}

/// <summary>Reads for queue forecasts (positions, estimated call times, waiting reasons, completion).</summary>
public sealed class ForecastStore(LedgerDatabase database)
{
    /// <summary>Ended calls an average call length is taken over: enough for an estimate, cheap on a campaign of millions.</summary>
    private const int SampledCalls = 500;

    public async Task<ForecastInputs> InputsAsync(long campaignId, string userId)
    {
        // The campaign's own ended calls say how long a call holds a slot; until it has some, its user's other
        // campaigns' do (coalesce reads the second only when the first is null).
        const string Ended = "status IN ('completed', 'failed') AND started_at IS NOT NULL AND ended_at IS NOT NULL";
        await using var connection = await database.OpenAsync();
        var facts = await connection.QuerySingleAsync<(long UserLimit, long SystemLimit, long UserInUse, long SystemInUse, double? Average, long? LastNotBefore)>(
            $"""
            SELECT (SELECT concurrency_limit FROM users WHERE id = @userId),
                   (SELECT system_concurrency_limit FROM system_settings WHERE id = 1),
                   (SELECT count(*) FROM slot_leases WHERE user_id = @userId),
                   (SELECT count(*) FROM slot_leases),
                   CAST(coalesce(
                       (SELECT avg(seconds) FROM (
                           SELECT (ended_at - started_at) / 1000.0 AS seconds FROM queue_items
                           WHERE campaign_id = @campaignId AND {Ended} LIMIT {SampledCalls}) AS own),
                       (SELECT avg(seconds) FROM (
                           SELECT (ended_at - started_at) / 1000.0 AS seconds FROM queue_items
                           WHERE campaign_id IN (SELECT id FROM campaigns WHERE user_id = @userId ORDER BY id DESC LIMIT 20) AND {Ended}
                           LIMIT {SampledCalls}) AS users)) AS double precision),
                   (SELECT max(scheduled_for) FROM queue_items WHERE campaign_id = @campaignId AND status = 'queued')
            """,
            new { userId, campaignId });
        var waiting = (await connection.QueryAsync<(string UserId, long Limit, long Campaigns)>(
            """
            SELECT c.user_id, u.concurrency_limit, count(*) FROM campaigns c JOIN users u ON u.id = c.user_id
            WHERE c.status = 'active' AND c.queued_count > 0
            GROUP BY c.user_id, u.concurrency_limit
            """)).AsList();
        var own = waiting.FirstOrDefault(w => w.UserId == userId);
        var waitingLimits = waiting.Select(w => (int)w.Limit).ToList();
        if (own.UserId is null) waitingLimits.Add((int)facts.UserLimit);
        var inFlight = (await connection.QueryAsync<long>(
            "SELECT coalesce(started_at, updated_at) FROM queue_items WHERE campaign_id = @campaignId AND status IN ('dialing', 'in-progress')",
            new { campaignId })).AsList();
        return new ForecastInputs(
            (int)facts.UserLimit, (int)facts.UserInUse, (int)facts.SystemLimit, (int)facts.SystemInUse, waitingLimits,
            Math.Max(1, (int)own.Campaigns), facts.Average, inFlight, facts.LastNotBefore);
    }

    /// <summary>The first <paramref name="count"/> queued items in dispatch order.</summary>
    public async Task<IReadOnlyList<QueuedSlot>> QueuedAsync(long campaignId, long now, int count)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<QueuedSlot>(
            $"""
            SELECT q.id, q.scheduled_for, q.attempts, q.phone_number, q.capped_until, c.time_zone, c.region
            FROM queue_items q LEFT JOIN contacts c ON c.id = q.contact_id
            WHERE q.campaign_id = @campaignId AND q.status = 'queued' ORDER BY {QueueStore.DueTime}, {DispatchOrder.Of("q")} LIMIT @count
            """,
            new { campaignId, now, count })).AsList();
    }
}
