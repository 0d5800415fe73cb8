using System.Data.Common;
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
    public async Task<CampaignRow?> LockCampaignAsync(CampaignRow campaign) => _database.Dialect == LedgerDialect.Postgres
        ? await _connection.QuerySingleOrDefaultAsync<CampaignRow>(
            "SELECT * FROM campaigns WHERE id = @Id FOR NO KEY UPDATE", new { campaign.Id }, _transaction)
        : campaign;

    /// <summary>
    /// On SQLite, a request waits to store deliveries behind this transaction: the applier should commit what it has
    /// applied so far and leave the other executions for its next turn. Never on PostgreSQL.
    /// </summary>
    public bool WriterWanted => _database.UrgentWriterWaiting;

    /// <summary>
    /// Writes one report of <paramref name="execution"/>; true when it released the call's slot. The execution's first
    /// write also carries its deliveries' applied mark (<paramref name="now"/>), which saves the ledger a round trip.
    /// </summary>
    public async Task<bool> WriteAsync(PendingExecution execution, ProgressWrite write, long now)
    {
        var statements = ProgressStatements.For(_database, write);
        if (!_marked.Add(execution.ExecutionId)) return await _connection.ExecuteScalarAsync<long?>(statements, write, _transaction) is not null;
        var parameters = new DynamicParameters(write);
        parameters.Add("AppliedAt", now);
        parameters.Add("Applied", execution.Deliveries.Select(d => d.Id).ToArray());
        return await _connection.ExecuteScalarAsync<long?>($"{MarkApplied("@AppliedAt", "@Applied")};\n{statements}", parameters, _transaction) is not null;
    }

    /// <summary>Every delivery of <paramref name="execution"/> is applied: its applied mark commits with its effects.</summary>
    public void Applied(PendingExecution execution) => _applied.Add(execution);

    /// <summary>Marks the deliveries of the executions applied (unless a write did already) and commits their effects.</summary>
    public async Task CommitAsync(long now)
    {
        if (_applied.Where(e => !_marked.Contains(e.ExecutionId)).SelectMany(e => e.Deliveries).Select(d => d.Id).ToArray() is { Length: > 0 } applied)
        {
            await _connection.ExecuteAsync(MarkApplied("@now", "@applied"), new { now, applied }, _transaction);
        }

        await _transaction.CommitAsync();
    }

    private readonly HashSet<string> _marked = new(StringComparer.Ordinal);
    private readonly List<PendingExecution> _applied = [];

    private string MarkApplied(string now, string ids) =>
        $"""
        UPDATE call_events SET applied_at = {now},
            item_id = (SELECT a.item_id FROM call_attempts a WHERE a.execution_id = call_events.execution_id)
        WHERE {_database.IsAnyOf("id", ids)}
        """;

    public async ValueTask DisposeAsync()
    {
        await _transaction.DisposeAsync();
        await _connection.DisposeAsync();
        _writerTurn?.Dispose();
    }
}
