using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;

namespace CallCampaigns.Ledger.Campaigns;

/// <summary>Campaign definitions, their status and counters, and the items joining them.</summary>
public sealed class CampaignStore(LedgerDatabase database)
{
    private const string InsertSql = """
        INSERT INTO campaigns (user_id, name, description, agent_id, from_phone_number, next_action,
            first_call_time, last_call_time, time_zone, window_zone, start_date, end_date, pacing,
            retry_max_attempts, retry_delay_minutes, retry_on, status, status_reason, opt_out_field, created_at, updated_at)
        VALUES (@UserId, @Name, @Description, @AgentId, @FromPhoneNumber, @NextAction,
            @FirstCallTime, @LastCallTime, @TimeZone, @WindowZone, @StartDate, @EndDate, @Pacing,
            @RetryMaxAttempts, @RetryDelayMinutes, @RetryOn, @Status, @StatusReason, @OptOutField, @CreatedAt, @UpdatedAt)
        RETURNING id
        """;

    /// <summary>Writes a campaign and its first items in one transaction; returns the campaign's id.</summary>
    public async Task<long> CreateAsync(Campaign campaign, IReadOnlyList<NewQueueItem> items)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var id = await InsertAsync(connection, campaign, transaction);
        await AddItemsAsync(connection, transaction, id, campaign.UserId, items, UnixMs.From(campaign.CreatedAt));
        await transaction.CommitAsync();
        return id;
    }

    /// <summary>Inserts a campaign's row and returns its id.</summary>
    internal static Task<long> InsertAsync(
        System.Data.Common.DbConnection connection, Campaign campaign, System.Data.Common.DbTransaction transaction, int? timeoutSeconds = null) =>
        connection.ExecuteScalarAsync<long>(InsertSql, CampaignRecord.From(campaign), transaction, timeoutSeconds);

    /// <summary>
    /// Adds items at the end of the join order, skipping contacts already in the campaign; returns how many joined, or
    /// null when the campaign has ended (completed or cancelled meanwhile): then nothing is added, and nobody is left
    /// queued in a campaign that will never call them.
    /// </summary>
    public async Task<int?> AddItemsAsync(long campaignId, string userId, IReadOnlyList<NewQueueItem> items, DateTimeOffset at)
    {
        var now = UnixMs.From(at);
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var lockRow = database.Dialect == LedgerDialect.Postgres ? "FOR UPDATE" : "";
        var status = await connection.ExecuteScalarAsync<string?>(
            $"SELECT status FROM campaigns WHERE id = @campaignId {lockRow}", new { campaignId }, transaction);
        if (status is null || CampaignStatus.IsFinal(status)) return null;
        var added = await AddItemsAsync(connection, transaction, campaignId, userId, items, now);
        await transaction.CommitAsync();
        return added;
    }

    /// <summary>Completes an active campaign only if every item is final at that moment (so contacts joining meanwhile are still called); true when it did.</summary>
    public async Task<bool> CompleteIfDoneAsync(long id, DateTimeOffset at)
    {
        var now = UnixMs.From(at);
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            """
            UPDATE campaigns SET status = 'completed', status_reason = NULL, updated_at = @now, ended_at = @now
            WHERE id = @id AND status = 'active' AND queued_count = 0 AND in_progress_count = 0
            """,
            new { id, now }) == 1;
    }

    private static async Task<int> AddItemsAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        long campaignId, string userId, IReadOnlyList<NewQueueItem> items, long now)
    {
        var position = await connection.ExecuteScalarAsync<long>(
            "SELECT last_position FROM campaigns WHERE id = @campaignId", new { campaignId }, transaction);
        var added = 0;
        foreach (var item in items)
        {
            var inserted = await connection.ExecuteAsync(
                """
                INSERT INTO queue_items (campaign_id, user_id, contact_id, phone_number, contact_name, status,
                    priority, position, scheduled_for, updated_at)
                VALUES (@campaignId, @userId, @ContactId, @PhoneNumber, @ContactName, 'queued',
                    @Priority, @position, @ScheduledFor, @now)
                ON CONFLICT (campaign_id, contact_id) DO NOTHING
                """,
                new { campaignId, userId, item.ContactId, item.PhoneNumber, item.ContactName, item.Priority, position = position + 1, item.ScheduledFor, now },
                transaction);
            if (inserted == 1)
            {
                position++;
                added++;
            }
        }

        await connection.ExecuteAsync(
            """
            UPDATE campaigns SET last_position = @position, total_contacts = total_contacts + @added,
                queued_count = queued_count + @added, updated_at = @now
            WHERE id = @campaignId
            """,
            new { campaignId, position, added, now }, transaction);
        return added;
    }

    /// <summary>A campaign by id, whoever owns it (for the grains).</summary>
    public async Task<Campaign?> GetAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QuerySingleOrDefaultAsync<CampaignRecord>("SELECT * FROM campaigns WHERE id = @id", new { id }))?.ToCampaign();
    }

    /// <summary>A campaign by id when <paramref name="userId"/> owns it.</summary>
    public async Task<Campaign?> GetForUserAsync(string userId, long id)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QuerySingleOrDefaultAsync<CampaignRecord>(
            "SELECT * FROM campaigns WHERE id = @id AND user_id = @userId", new { id, userId }))?.ToCampaign();
    }

    public async Task<(IReadOnlyList<Campaign> Items, int Total, CampaignStatusCounts Counts)> ListAsync(
        string userId, string? status, int page, int pageSize)
    {
        var offset = (page - 1) * pageSize;
        var filter = status is null ? "user_id = @userId" : "user_id = @userId AND status = @status";
        await using var connection = await database.OpenAsync();
        var counts = (await connection.QueryAsync<(string Status, long Count)>(
            "SELECT status, count(*) FROM campaigns WHERE user_id = @userId GROUP BY status", new { userId }))
            .ToDictionary(row => row.Status, row => (int)row.Count);
        var items = await connection.QueryAsync<CampaignRecord>(
            $"SELECT * FROM campaigns WHERE {filter} ORDER BY id DESC LIMIT @pageSize OFFSET @offset",
            new { userId, status, pageSize, offset });
        var total = status is null ? counts.Values.Sum() : counts.GetValueOrDefault(status);
        return (items.Select(record => record.ToCampaign()).ToList(), total, new CampaignStatusCounts(
            counts.GetValueOrDefault(CampaignStatus.Scheduled), counts.GetValueOrDefault(CampaignStatus.Active),
            counts.GetValueOrDefault(CampaignStatus.Paused), counts.GetValueOrDefault(CampaignStatus.Completed),
            counts.GetValueOrDefault(CampaignStatus.Cancelled)));
    }

    /// <summary>Ids of campaigns that may still dial: what a starting node wakes up.</summary>
    public async Task<IReadOnlyList<long>> ListRunningIdsAsync()
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<long>(
            "SELECT id FROM campaigns WHERE status IN ('scheduled', 'active') ORDER BY id")).AsList();
    }

    public async Task SetStatusAsync(long id, string status, string? reason, DateTimeOffset at)
    {
        var now = UnixMs.From(at);
        var ended = CampaignStatus.IsFinal(status) ? now : (long?)null;
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync(
            """
            UPDATE campaigns SET status = @status, status_reason = @reason, updated_at = @now,
                ended_at = coalesce(@ended, ended_at)
            WHERE id = @id
            """,
            new { id, status, reason, now, ended });
    }

    /// <summary>
    /// Counts one more dial refused in a row (<paramref name="refused"/>), or starts the count again; returns the count.
    /// </summary>
    public async Task<int> CountDialErrorAsync(long id, bool refused)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "UPDATE campaigns SET dial_errors_in_row = CASE WHEN @refused THEN dial_errors_in_row + 1 ELSE 0 END WHERE id = @id RETURNING dial_errors_in_row",
            new { id, refused });
    }

    /// <summary>
    /// Writes a campaign's editable settings and, when <paramref name="replan"/> is given, re-plans its queued items
    /// that have not been tried yet (retries keep their delay), in one transaction.
    /// </summary>
    public async Task EditAsync(Campaign edited, QueueReplan? replan)
    {
        var settings = CampaignRecord.From(edited);
        var now = settings.UpdatedAt;
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            UPDATE campaigns SET name = @Name, description = @Description, agent_id = @AgentId, next_action = @NextAction,
                first_call_time = @FirstCallTime, last_call_time = @LastCallTime, time_zone = @TimeZone, window_zone = @WindowZone,
                end_date = @EndDate,
                pacing = @Pacing, retry_max_attempts = @RetryMaxAttempts, retry_delay_minutes = @RetryDelayMinutes,
                retry_on = @RetryOn, opt_out_field = @OptOutField, updated_at = @UpdatedAt
            WHERE id = @Id
            """,
            settings, transaction);
        if (replan is { Spread: null })
        {
            await connection.ExecuteAsync(
                "UPDATE queue_items SET scheduled_for = NULL, updated_at = @now WHERE campaign_id = @id AND status = 'queued' AND attempts = 0",
                new { id = settings.Id, now }, transaction);
        }
        else if (replan is { Spread: { } layout })
        {
            var (begin, interval) = (UnixMs.From(layout.Begin), (long)layout.Interval.TotalMilliseconds);
            await connection.ExecuteAsync(
                $"""
                UPDATE queue_items SET scheduled_for = @begin + (planned.rn - 1) * @interval, updated_at = @now
                FROM (SELECT id AS planned_id, row_number() OVER (ORDER BY {DispatchOrder.Of()}) AS rn
                      FROM queue_items WHERE campaign_id = @id AND status = 'queued' AND attempts = 0) AS planned
                WHERE queue_items.id = planned.planned_id
                """,
                new { id = settings.Id, begin, interval, now }, transaction);
        }

        await transaction.CommitAsync();
    }

    /// <summary>How many queued items have not been tried yet (the ones a re-plan moves).</summary>
    public async Task<int> CountUntriedAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<int>(
            "SELECT count(*) FROM queue_items WHERE campaign_id = @id AND status = 'queued' AND attempts = 0", new { id });
    }

    /// <summary>Deletes a campaign with its items and their calls.</summary>
    public async Task DeleteAsync(long id)
    {
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("DELETE FROM campaigns WHERE id = @id", new { id });
    }

    public async Task SetNextCallAtAsync(long id, DateTimeOffset? at)
    {
        var nextCallAt = UnixMs.From(at);
        await using var connection = await database.OpenAsync();
        await connection.ExecuteAsync("UPDATE campaigns SET next_call_at = @nextCallAt WHERE id = @id", new { id, nextCallAt });
    }
}
