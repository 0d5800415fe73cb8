using System.Data.Common;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;
using Npgsql;

namespace CallCampaigns.Ledger.Calls;

/// <summary>
/// One transaction that applies the pending deliveries of some executions: each call as it stands (locked), its
/// campaign, its deliveries in order; each report's effects are written as they are decided (on PostgreSQL all in one
/// round trip at the commit), and the deliveries' applied mark commits with them. Disposing without committing rolls everything back.
/// </summary>
public sealed class InboxApplication : IAsyncDisposable
{
    private readonly LedgerDatabase _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly IDisposable? _writerTurn;
    private readonly List<ProgressWrite> _writes = [];
    private readonly List<bool> _released = [];

    internal InboxApplication(
        LedgerDatabase database, DbConnection connection, DbTransaction transaction, IDisposable? writerTurn,
        IReadOnlyList<PendingExecution> executions, bool more)
    {
        _database = database;
        _connection = connection;
        _transaction = transaction;
        _writerTurn = writerTurn;
        Executions = executions;
        More = more;
    }

    /// <summary>The executions with pending deliveries, each with its deliveries oldest first.</summary>
    public IReadOnlyList<PendingExecution> Executions { get; }

    /// <summary>More deliveries are pending than were read: apply again after this.</summary>
    public bool More { get; }

    /// <summary>
    /// The campaign read again and locked until commit: a lifecycle move (cancel, pause) waits, so a decision that
    /// depends on the campaign's status (a retry) cannot be overtaken by it. The writes before it are written first
    /// (one of them may have paused the campaign).
    /// </summary>
    public async Task<Campaign?> LockCampaignAsync(Campaign campaign)
    {
        if (_database.Dialect != LedgerDialect.Postgres) return campaign;
        await FlushAsync();
        return (await _connection.QuerySingleOrDefaultAsync<CampaignRecord>(
            "SELECT * FROM campaigns WHERE id = @Id FOR NO KEY UPDATE", new { campaign.Id }, _transaction))?.ToCampaign();
    }

    /// <summary>One report's effects, written in order with the others before the commit.</summary>
    public void Write(ProgressWrite write) => _writes.Add(write);

    /// <summary>
    /// Writes the reports' effects, marks the deliveries of our calls applied and commits them; the deliveries of
    /// executions that are no call of ours (yet) wait until <paramref name="unknownUntil"/>, unless the dial's answer
    /// is recorded first (that makes them due at once). Returns, for each write in order, whether it released the
    /// call's slot.
    /// </summary>
    public async Task<IReadOnlyList<bool>> CommitAsync(long now, long unknownUntil)
    {
        await FlushAsync();
        var applied = Executions.Where(e => e.Attempt is not null).SelectMany(e => e.Deliveries).Select(d => d.Id).ToArray();
        var unknown = Executions.Where(e => e.Attempt is null).Select(e => e.ExecutionId).ToArray();
        if (applied.Length > 0)
        {
            await _connection.ExecuteAsync(
                $"""
                UPDATE call_events SET applied_at = @now,
                    item_id = (SELECT a.item_id FROM call_attempts a WHERE a.execution_id = call_events.execution_id)
                WHERE {_database.IsAnyOf("id", "@applied")}
                """,
                new { now, applied }, _transaction);
        }

        if (unknown.Length > 0)
        {
            await _connection.ExecuteAsync(
                $"""
                UPDATE call_events SET next_attempt_at = @unknownUntil
                WHERE {_database.IsAnyOf("execution_id", "@unknown")} AND applied_at IS NULL AND set_aside_at IS NULL
                  AND NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.execution_id = call_events.execution_id)
                """,
                new { unknownUntil, unknown }, _transaction);
        }

        await _transaction.CommitAsync();
        return _released;
    }

    /// <summary>Writes the writes not written yet: on PostgreSQL in one round trip, on SQLite with its kept statements.</summary>
    private async Task FlushAsync()
    {
        var writes = _writes.Skip(_released.Count).ToArray();
        if (writes.Length == 0) return;
        if (_database.Writer is { } writer)
        {
            foreach (var write in writes)
                _released.Add(await writer.ExecuteScalarAsync(ProgressStatements.For(_database, write), write, _transaction) is not null and not DBNull);
            return;
        }

        _released.AddRange(await ProgressBatch.ExecuteAsync(_database, (NpgsqlConnection)_connection, (NpgsqlTransaction)_transaction, writes));
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        // The SQLite writer's connection is kept for the next holder of the turn.
        if (_database.Writer is null) await _connection.DisposeAsync();
        _writerTurn?.Dispose();
    }
}
