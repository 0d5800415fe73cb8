using System.Data.Common;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Queue;

/// <summary>
/// What a forecast of a campaign's queue starts from: the limits and slots in use, how long calls take, and the latest
/// moment one of its queued items is known to wait for (a not-before time, a hold; epoch ms).
/// </summary>
public sealed record ForecastInputs(
    int UserLimit, int UserInUse, int SystemLimit, int SystemInUse, double? AverageCallSeconds, long? LastNotBefore, long? LastHeldUntil);

/// <summary>A slot in use: whose, for which campaign (null: granted, not yet handed on), since when (epoch ms).</summary>
public sealed record SlotInUse(string UserId, int UserLimit, long? CampaignId, long Since);

/// <summary>
/// Who competes for the slots: the running campaigns with work (their users' limits alongside), the slots in use, and
/// a head of some campaigns' queues, by campaign id.
/// </summary>
public sealed record Competition(
    IReadOnlyList<(Domain.Campaigns.Campaign Campaign, int UserLimit)> Campaigns, IReadOnlyList<SlotInUse> Slots,
    IReadOnlyDictionary<long, IReadOnlyList<QueuedSlot>> Heads);

/// <summary>A queued item as the forecast sees it, in dispatch order.</summary>
public sealed class QueuedSlot
{
    public long Id { get; init; }
    public long CampaignId { get; init; }
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
        var facts = await connection.QuerySingleAsync<(long UserLimit, long SystemLimit, long UserInUse, long SystemInUse, double? Average, long? LastNotBefore, long? LastHeldUntil)>(
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
                   (SELECT max(scheduled_for) FROM queue_items WHERE campaign_id = @campaignId AND status = 'queued'),
                   (SELECT max(held_until) FROM queue_items WHERE campaign_id = @campaignId AND status = 'queued' AND held_until > 0)
            """,
            new { userId, campaignId });
        return new ForecastInputs(
            (int)facts.UserLimit, (int)facts.UserInUse, (int)facts.SystemLimit, (int)facts.SystemInUse, facts.Average, facts.LastNotBefore,
            facts.LastHeldUntil);
    }

    /// <summary>The first <paramref name="count"/> queued items in dispatch order.</summary>
    public async Task<IReadOnlyList<QueuedSlot>> QueuedAsync(long campaignId, long now, int count)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<QueuedSlot>(
            $"""
            SELECT {HeadColumns}
            FROM queue_items q LEFT JOIN contacts c ON c.id = q.contact_id
            WHERE q.campaign_id = @campaignId AND q.status = 'queued' ORDER BY {QueueStore.DueTime}, {DispatchOrder.Of("q")} LIMIT @count
            """,
            new { campaignId, now, count })).AsList();
    }

    /// <summary>
    /// The running campaigns with work (active or about to start, with items queued or calls in flight; those of
    /// <paramref name="userId"/> first, at most <paramref name="maxCampaigns"/>), every slot in use, and the heads of
    /// queues: <paramref name="focusHead"/> items of <paramref name="focusId"/>'s (0: none) and <paramref name="otherHead"/>
    /// of each of the first <paramref name="maxHeads"/> other campaigns'. A head of n is the first n items the dispatcher
    /// would read (not held, in dispatch order) and the first n it holds (by when the hold ends): both reads follow
    /// <c>ix_queue_items_dispatch</c>, so a head costs the same on a queue of a million.
    /// </summary>
    public async Task<Competition> CompetitionAsync(string userId, int maxCampaigns, long focusId, int focusHead, int otherHead, int maxHeads)
    {
        await using var connection = await database.OpenAsync();
        var rows = (await connection.QueryAsync<CampaignRecord>(
            $"""
            SELECT * FROM campaigns WHERE {Running}
            ORDER BY CASE WHEN user_id = @userId THEN 0 ELSE 1 END, id
            LIMIT @maxCampaigns
            """,
            new { userId, maxCampaigns })).Select(record => record.ToCampaign()).ToList();
        var limits = (await connection.QueryAsync<(string Id, long Limit)>(
                $"SELECT id, concurrency_limit FROM users WHERE id IN (SELECT user_id FROM campaigns WHERE {Running})"))
            .ToDictionary(user => user.Id, user => (int)user.Limit);
        var campaigns = rows.Select(row => (Campaign: row, UserLimit: limits.GetValueOrDefault(row.UserId))).ToList();
        var slots = (await connection.QueryAsync<(string UserId, long Limit, long? CampaignId, long Since)>(
            """
            SELECT l.user_id, u.concurrency_limit, l.campaign_id, coalesce(q.started_at, l.granted_at)
            FROM slot_leases l JOIN users u ON u.id = l.user_id LEFT JOIN queue_items q ON q.id = l.item_id
            """)).Select(s => new SlotInUse(s.UserId, (int)s.Limit, s.CampaignId, s.Since)).ToList();
        var heads = campaigns.Where(c => c.Campaign.Id != focusId).Take(maxHeads).Select(c => (c.Campaign.Id, otherHead)).ToList();
        if (focusHead > 0) heads.Add((focusId, focusHead));
        return new Competition(campaigns, slots, await HeadsAsync(connection, heads));
    }

    private static async Task<IReadOnlyDictionary<long, IReadOnlyList<QueuedSlot>>> HeadsAsync(
        DbConnection connection, IReadOnlyList<(long CampaignId, int Size)> wanted)
    {
        var heads = wanted.ToDictionary(head => head.CampaignId, _ => new List<QueuedSlot>());
        if (heads.Count == 0) return heads.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<QueuedSlot>)pair.Value);
        var parameters = new DynamicParameters();
        var parts = new List<string>();
        var n = 0;
        foreach (var (id, size) in wanted)
        {
            parameters.Add($"c{n}", id);
            parameters.Add($"s{n}", size);
            parts.Add($"""
                SELECT * FROM (SELECT {HeadColumns} FROM queue_items q LEFT JOIN contacts c ON c.id = q.contact_id
                    WHERE q.campaign_id = @c{n} AND q.status = 'queued' AND q.held_until = 0 ORDER BY {DispatchOrder.Of("q")} LIMIT @s{n}) AS due{n}
                UNION ALL
                SELECT * FROM (SELECT {HeadColumns} FROM queue_items q LEFT JOIN contacts c ON c.id = q.contact_id
                    WHERE q.campaign_id = @c{n} AND q.status = 'queued' AND q.held_until > 0 ORDER BY q.held_until LIMIT @s{n}) AS held{n}
                """);
            n++;
        }

        foreach (var row in await connection.QueryAsync<QueuedSlot>(string.Join("\nUNION ALL\n", parts), parameters))
        {
            heads[row.CampaignId].Add(row);
        }

        return heads.ToDictionary(pair => pair.Key, pair => (IReadOnlyList<QueuedSlot>)pair.Value);
    }

    /// <summary>The campaigns that compete for slots: running or about to, with items queued or calls in flight.</summary>
    private const string Running = "status IN ('active', 'scheduled') AND (queued_count > 0 OR in_progress_count > 0)";

    /// <summary>What the forecast reads of a queued item (<see cref="QueuedSlot"/>).</summary>
    private const string HeadColumns =
        "q.id, q.campaign_id, q.scheduled_for, q.attempts, q.priority, q.position, q.phone_number, q.capped_until, c.time_zone, c.region";
}
