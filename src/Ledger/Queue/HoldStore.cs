using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Queue;

/// <summary>
/// The dial gate's holds on queued items: an item the gate holds keeps its next opening (<c>held_until</c>), and a
/// dispatch pass reads only items that are not held (<see cref="QueueStore.DueCandidatesAsync"/>), so a campaign whose
/// items mostly wait for their contacts' morning does not read them again on every pass. Holds are dropped when the
/// terms they were decided under change (the campaign's window, the calling rules: <c>campaigns.holds_key</c>) and
/// when a contact changes; an item whose opening has come is released in the order holds end, then dispatch order.
/// </summary>
public sealed class HoldStore(LedgerDatabase database)
{
    /// <summary>How many items one release frees at most: a window opening over a million items is spread over passes.</summary>
    public const int ReleaseBatch = 5_000;

    /// <summary>
    /// Makes the campaign's holds those decided under <paramref name="key"/>: when the campaign's holds were decided
    /// under another, they are all dropped first. Then frees the items whose opening has come (at most
    /// <see cref="ReleaseBatch"/>). Returns how many were freed or dropped.
    /// </summary>
    public async Task<int> RefreshAsync(long campaignId, string key, string? heldUnder, long now)
    {
        await using var connection = await database.OpenAsync();
        var freed = 0;
        if (key != heldUnder)
        {
            await using var transaction = await connection.BeginTransactionAsync();
            freed += await connection.ExecuteAsync(
                "UPDATE queue_items SET held_until = 0 WHERE campaign_id = @campaignId AND status = 'queued' AND held_until > 0",
                new { campaignId }, transaction);
            await connection.ExecuteAsync("UPDATE campaigns SET holds_key = @key WHERE id = @campaignId", new { campaignId, key }, transaction);
            await transaction.CommitAsync();
        }

        return freed + await connection.ExecuteAsync(
            $"""
            UPDATE queue_items SET held_until = 0
            WHERE id IN (
                SELECT id FROM queue_items
                WHERE campaign_id = @campaignId AND status = 'queued' AND held_until > 0 AND held_until <= @now
                ORDER BY held_until, {DispatchOrder.Of()}
                LIMIT @limit)
            """,
            new { campaignId, now, limit = ReleaseBatch });
    }

    /// <summary>
    /// Holds items until their next opening, as one pass of the gate decided at <paramref name="decidedAt"/>. An item
    /// changed since (its contact's zone, say) is left for the next pass to decide again.
    /// </summary>
    public async Task HoldAsync(long campaignId, IReadOnlyList<(long ItemId, long Until)> holds, long decidedAt)
    {
        if (holds.Count == 0) return;
        await using var connection = await database.OpenAsync();
        await using var transaction = await database.BeginBatchAsync(connection);
        // The ids as one parameter: an array on PostgreSQL, a JSON array on SQLite (a list of thousands of parameters is slow there).
        var postgres = database.Dialect == LedgerDialect.Postgres;
        var ids = postgres ? "id = ANY(@ids)" : "id IN (SELECT value FROM json_each(@ids))";
        foreach (var group in holds.GroupBy(h => h.Until))
        {
            var chosen = group.Select(h => h.ItemId).ToArray();
            await connection.ExecuteAsync(
                $"""
                UPDATE queue_items SET held_until = @until
                WHERE {ids} AND campaign_id = @campaignId AND status = 'queued' AND held_until = 0 AND updated_at < @decidedAt
                """,
                new { campaignId, until = group.Key, ids = postgres ? (object)chosen : System.Text.Json.JsonSerializer.Serialize(chosen), decidedAt },
                transaction);
        }

        if (transaction is not null) await transaction.CommitAsync();
    }

    /// <summary>The earliest opening among the campaign's held items.</summary>
    public async Task<DateTimeOffset?> EarliestOpeningAsync(long campaignId)
    {
        await using var connection = await database.OpenAsync();
        return UnixMs.ToTime(await connection.ExecuteScalarAsync<long?>(
            "SELECT min(held_until) FROM queue_items WHERE campaign_id = @campaignId AND status = 'queued' AND held_until > 0",
            new { campaignId }));
    }
}
