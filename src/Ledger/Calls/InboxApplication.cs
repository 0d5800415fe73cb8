using System.Data.Common;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;

namespace CallCampaigns.Ledger.Calls;

/// <summary>
/// One transaction that applies an execution's pending deliveries: the attempt as it stands (locked), its campaign,
/// the deliveries in order; each report's effects are written as they are decided, and the deliveries' applied
/// mark commits with them. Disposing without committing rolls everything back.
/// </summary>
public sealed class InboxApplication : IAsyncDisposable
{
    private readonly LedgerDatabase _database;
    private readonly DbConnection _connection;
    private readonly DbTransaction _transaction;
    private readonly string _executionId;

    internal InboxApplication(
        LedgerDatabase database, DbConnection connection, DbTransaction transaction, string executionId,
        AttemptRow? attempt, CampaignRow? campaign, IReadOnlyList<PendingDelivery> deliveries)
    {
        _database = database;
        _connection = connection;
        _transaction = transaction;
        _executionId = executionId;
        Attempt = attempt;
        Campaign = campaign;
        Deliveries = deliveries;
    }

    /// <summary>Our call with this execution id; null while the dial's answer is not recorded (or it is none of ours).</summary>
    public AttemptRow? Attempt { get; }

    public CampaignRow? Campaign { get; }

    /// <summary>The pending deliveries, oldest first.</summary>
    public IReadOnlyList<PendingDelivery> Deliveries { get; }

    /// <summary>
    /// The campaign read again and locked until commit: a lifecycle move (cancel, pause) waits, so a decision that
    /// depends on the campaign's status (a retry) cannot be overtaken by it.
    /// </summary>
    public async Task<CampaignRow?> LockCampaignAsync() => _database.Dialect == LedgerDialect.Postgres
        ? await _connection.QuerySingleOrDefaultAsync<CampaignRow>(
            "SELECT * FROM campaigns WHERE id = @Id FOR NO KEY UPDATE", new { Campaign?.Id }, _transaction)
        : Campaign;

    /// <summary>Writes one report's effects; true when it released the call's slot.</summary>
    public async Task<bool> WriteAsync(ProgressWrite write) =>
        await _connection.ExecuteScalarAsync<long?>(ProgressStatements.For(_database.Dialect, write), write, _transaction) is not null;

    /// <summary>Marks the deliveries applied and commits their effects.</summary>
    public async Task CommitAsync(long now)
    {
        await _connection.ExecuteAsync(
            $"UPDATE call_events SET applied_at = @now, item_id = @itemId WHERE {_database.IsAnyOf("id", "@ids")}",
            new { now, itemId = Attempt?.ItemId, ids = Deliveries.Select(d => d.Id).ToArray() }, _transaction);
        await _transaction.CommitAsync();
    }

    /// <summary>
    /// No call of ours has this execution id yet: its deliveries wait until <paramref name="until"/>, unless the dial's
    /// answer is recorded first (that makes them due at once).
    /// </summary>
    public async Task WaitForDialAsync(long until)
    {
        await _connection.ExecuteAsync(
            """
            UPDATE call_events SET next_attempt_at = @until
            WHERE execution_id = @executionId AND applied_at IS NULL AND set_aside_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM call_attempts WHERE execution_id = @executionId)
            """,
            new { until, executionId = _executionId }, _transaction);
        await _transaction.CommitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
