using System.Data.Common;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Suppressions;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Suppressions;

/// <summary>
/// The do-not-call lists: each user's, and the system's (<c>userId</c> null), which applies to every user. Adding a
/// number ends its queued items (in every campaign of the user, or of everyone) in the same transaction, and the claim
/// checks the lists again (<c>QueueStore.ClaimAsync</c>): a number on a list is never dialled, whenever it was added.
/// </summary>
public sealed class SuppressionStore(LedgerDatabase database)
{
    /// <summary>
    /// Adds a number (nothing changes when it is already on that list); returns whether it was added and the campaigns
    /// whose queued items it ended, which should be woken.
    /// </summary>
    public async Task<(bool Added, IReadOnlyList<long> Campaigns)> AddAsync(string? userId, string phoneNumber, string source, string? reason, long now)
    {
        await using var connection = await database.OpenAsync();
        using var turn = await database.WriterTurnAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var added = await connection.ExecuteAsync(
            """
            INSERT INTO suppressions (user_id, phone_number, source, reason, created_at) VALUES (@userId, @phoneNumber, @source, @reason, @now)
            ON CONFLICT DO NOTHING
            """,
            new { userId, phoneNumber, source, reason, now }, transaction) == 1;
        var entry = new Suppression(phoneNumber, source, reason, UnixMs.ToTime(now), SystemWide: userId is null);
        var campaigns = added ? await EndQueuedAsync(connection, transaction, userId, [phoneNumber], now, entry.Describe()) : [];
        await transaction.CommitAsync();
        return (added, campaigns);
    }

    /// <summary>
    /// Adds many numbers at once (an import's batch: distinct numbers, each with its reason); returns how many were new
    /// and the campaigns whose queued items they ended.
    /// </summary>
    public async Task<(int Added, IReadOnlyList<long> Campaigns)> AddManyAsync(
        string? userId, IReadOnlyCollection<(string PhoneNumber, string? Reason)> entries, string source, long now)
    {
        if (entries.Count == 0) return (0, []);
        await using var connection = await database.OpenAsync();
        using var turn = await database.WriterTurnAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        var fresh = new List<string>();
        foreach (var chunk in entries.Chunk(500))
        {
            fresh.AddRange(await connection.QueryAsync<string>(
                $"""
                INSERT INTO suppressions (user_id, phone_number, source, reason, created_at)
                SELECT @userId, column1, @source, column2, @now FROM ({Values(chunk.Length)}) AS entries
                WHERE true
                ON CONFLICT DO NOTHING
                RETURNING phone_number
                """,
                Parameters(chunk, new { userId, source, now }), transaction));
        }

        var campaigns = await EndQueuedAsync(connection, transaction, userId, fresh, now);
        await transaction.CommitAsync();
        return (fresh.Count, campaigns);
    }

    /// <summary>Removes a number from a list; false when it was not on it.</summary>
    public async Task<bool> RemoveAsync(string? userId, string phoneNumber)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            $"DELETE FROM suppressions WHERE {Owner(userId)} AND phone_number = @phoneNumber", new { userId, phoneNumber }) == 1;
    }

    /// <summary>A page of a list, newest first; <paramref name="search"/> matches part of the number or the reason.</summary>
    public async Task<(IReadOnlyList<SuppressionRow> Items, int Total)> ListAsync(string? userId, string? search, int page, int pageSize)
    {
        var pattern = LikePatterns.Containing(search);
        var filter = Owner(userId) + (pattern is null ? "" : $" AND (phone_number LIKE @pattern{LikePatterns.Escape} OR reason {database.ILike} @pattern{LikePatterns.Escape})");
        await using var connection = await database.OpenAsync();
        var total = await connection.ExecuteScalarAsync<int>($"SELECT count(*) FROM suppressions WHERE {filter}", new { userId, pattern });
        var items = await connection.QueryAsync<SuppressionRow>(
            $"SELECT * FROM suppressions WHERE {filter} ORDER BY created_at DESC, id DESC LIMIT @pageSize OFFSET @offset",
            new { userId, pattern, pageSize, offset = (page - 1) * pageSize });
        return (items.AsList(), total);
    }

    /// <summary>
    /// Ends the queued items of these numbers (the user's, or everyone's for the system list) cancelled with outcome
    /// <c>do-not-call</c> and moves their campaigns' counters: one statement for the items, one per campaign. The
    /// items' <c>failureReason</c> is <paramref name="says"/>, or names the list.
    /// </summary>
    private async Task<IReadOnlyList<long>> EndQueuedAsync(
        DbConnection connection, DbTransaction transaction, string? userId, IReadOnlyList<string> phoneNumbers, long now, string? says = null)
    {
        var touched = new Dictionary<long, int>();
        foreach (var chunk in phoneNumbers.Chunk(500))
        {
            var owner = userId is null ? "" : "c.user_id = @userId AND";
            var ended = await connection.QueryAsync<long>(
                $"""
                UPDATE queue_items SET status = 'cancelled', outcome = @outcome, updated_at = @now,
                    failure_reason = coalesce(@exactly, phone_number || @says)
                WHERE status = 'queued' AND contact_id IN (
                    SELECT c.id FROM contacts c WHERE {owner} {database.IsAnyOf("c.phone_number", "@chunk")})
                RETURNING campaign_id
                """,
                new { userId, chunk, now, outcome = Suppression.Outcome, exactly = says, says = userId is null ? " is on the system's do-not-call list" : " is on your do-not-call list" },
                transaction);
            foreach (var campaignId in ended) touched[campaignId] = touched.GetValueOrDefault(campaignId) + 1;
        }

        foreach (var (campaignId, count) in touched)
        {
            await connection.ExecuteAsync(
                CounterColumns.Move(ItemStatus.Queued, ItemStatus.Cancelled, "@count"), new { CampaignId = campaignId, Now = now, count }, transaction);
        }

        return touched.Keys.ToArray();
    }

    private static string Owner(string? userId) => userId is null ? "user_id IS NULL" : "user_id = @userId";

    private static string Values(int count) =>
        "VALUES " + string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@p{i}, @r{i})"));

    private static DynamicParameters Parameters((string PhoneNumber, string? Reason)[] entries, object rest)
    {
        var parameters = new DynamicParameters(rest);
        for (var i = 0; i < entries.Length; i++)
        {
            parameters.Add($"p{i}", entries[i].PhoneNumber, System.Data.DbType.String);
            parameters.Add($"r{i}", entries[i].Reason, System.Data.DbType.String);
        }

        return parameters;
    }
}
