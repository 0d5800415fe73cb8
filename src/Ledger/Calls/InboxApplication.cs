using System.Data.Common;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;

namespace CallCampaigns.Ledger.Calls;

/// <summary>
/// One transaction that applies the pending deliveries of some executions: each call as it stands (locked), its
/// campaign, its deliveries in order; each report's effects are written as they are decided, and the deliveries'
/// applied mark commits with them. Disposing without committing rolls everything back.
/// </summary>
public sealed class InboxApplication : IAsyncDisposable
{
    private readonly LedgerDatabase _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly IDisposable? _writerTurn;

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
    /// depends on the campaign's status (a retry) cannot be overtaken by it.
    /// </summary>
    public async Task<Campaign?> LockCampaignAsync(Campaign campaign) => _database.Dialect == LedgerDialect.Postgres
        ? (await _connection.QuerySingleOrDefaultAsync<CampaignRecord>(
            "SELECT * FROM campaigns WHERE id = @Id FOR NO KEY UPDATE", new { campaign.Id }, _transaction))?.ToCampaign()
        : campaign;

    /// <summary>Writes one report's effects; true when it released the call's slot.</summary>
    public async Task<bool> WriteAsync(ProgressWrite write)
    {
        var sql = ProgressStatements.For(_database, write);
        var released = _database.Writer is { } writer
            ? await writer.ExecuteScalarAsync(sql, write, _transaction)
            : await _connection.ExecuteScalarAsync<long?>(sql, write, _transaction);
        return released is not null and not DBNull;
    }

    /// <summary>
    /// Marks the deliveries of our calls applied and commits their effects; the deliveries of executions that are no
    /// call of ours (yet) wait until <paramref name="unknownUntil"/>, unless the dial's answer is recorded first (that
    /// makes them due at once).
    /// </summary>
    public async Task CommitAsync(long now, long unknownUntil)
    {
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
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        // The SQLite writer's connection is kept for the next holder of the turn.
        if (_database.Writer is null) await _connection.DisposeAsync();
        _writerTurn?.Dispose();
    }
}
