using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Imports;

/// <summary>
/// Imports and their row errors. An import is recorded (running) before its first row is read and says how far it
/// has come after every batch, each in its own short write; its good rows go through an <see cref="ImportSession"/>.
/// </summary>
public sealed class ImportStore(LedgerDatabase database)
{
    /// <summary>The columns of a table of import errors (<c>import_errors</c>, <c>suppression_import_errors</c>).</summary>
    internal static readonly BulkColumn[] ErrorColumns =
    [
        new("import_id", NpgsqlDbType.Bigint), new("row_number", NpgsqlDbType.Integer),
        new("phone_number", NpgsqlDbType.Text), new("reason", NpgsqlDbType.Text),
    ];

    /// <summary>Records a running import (committed at once, so that it can be followed); returns its id.</summary>
    public async Task<long> StartAsync(string userId, long? campaignId, string? fileName, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO imports (user_id, campaign_id, file_name, status, created_at, updated_at)
            VALUES (@userId, @campaignId, @fileName, 'running', @now, @now) RETURNING id
            """,
            new { userId, campaignId, fileName, now });
    }

    public Task<ImportSession> BeginAsync(string userId, long importId, DateTimeOffset now, CancellationToken cancellationToken) =>
        ImportSession.BeginAsync(database, userId, importId, now, cancellationToken);

    /// <summary>
    /// Writes a batch of row errors and how far the import has come, in one short transaction of their own: the
    /// errors never wait in memory for the import to end.
    /// </summary>
    public async Task RecordBatchAsync(long importId, IReadOnlyList<RowError> errors, ImportCounts counts, long now, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (errors.Count > 0)
        {
            await BulkWriter.WriteAsync(connection, transaction, "import_errors", ErrorColumns,
                errors.Select(e => new object?[] { importId, e.RowNumber, e.PhoneNumber, e.Reason }), cancellationToken);
        }

        await connection.ExecuteAsync(
            """
            UPDATE imports SET total_rows = @TotalRows, skipped_duplicates = @SkippedDuplicates, failed = @Failed, updated_at = @now
            WHERE id = @importId AND status = 'running'
            """,
            new { counts.TotalRows, counts.SkippedDuplicates, counts.Failed, now, importId }, transaction);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Marks an import that stopped before it was whole as failed; its row errors go (nothing of it was written).</summary>
    public async Task FailAsync(long importId, long now)
    {
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            """
            UPDATE imports SET status = 'failed', completed_at = @now, updated_at = @now WHERE id = @importId AND status = 'running';
            DELETE FROM import_errors WHERE import_id = @importId;
            """,
            new { importId, now }, transaction);
        await transaction.CommitAsync();
    }

    /// <summary>
    /// Marks every running import as failed: on a single node starting, they are the ones its previous run left when
    /// it died (their rows were never joined). Returns how many.
    /// </summary>
    public async Task<int> FailAllRunningAsync(long now)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteAsync(
            "UPDATE imports SET status = 'failed', completed_at = @now, updated_at = @now WHERE status = 'running'", new { now });
    }

    public async Task<ImportRecord?> GetAsync(string userId, long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ImportRecord>(
            "SELECT * FROM imports WHERE id = @id AND user_id = @userId", new { id, userId });
    }

    /// <summary>The user's most recent imports, newest first; only those in <paramref name="status"/> when given.</summary>
    public async Task<IReadOnlyList<ImportRecord>> RecentAsync(string userId, string? status, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ImportRecord>(
            $"SELECT * FROM imports WHERE user_id = @userId {(status is null ? "" : "AND status = @status")} ORDER BY id DESC LIMIT @limit",
            new { userId, status, limit })).AsList();
    }

    public async Task<IReadOnlyList<ImportErrorRow>> ErrorsAsync(long importId, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ImportErrorRow>(
            "SELECT row_number, phone_number, reason FROM import_errors WHERE import_id = @importId ORDER BY row_number LIMIT @limit",
            new { importId, limit })).AsList();
    }

    /// <summary>Every error of an import, in row order, read as it streams.</summary>
    public IAsyncEnumerable<ImportErrorRow> AllErrorsAsync(long importId) => StreamErrorsAsync(database, "import_errors", importId);

    /// <summary>Every error of an import in a table of import errors, in row order, read as it streams.</summary>
    internal static async IAsyncEnumerable<ImportErrorRow> StreamErrorsAsync(LedgerDatabase database, string table, long importId)
    {
        await using var connection = await database.OpenAsync();
        await using var reader = await connection.ExecuteReaderAsync(
            $"SELECT row_number, phone_number, reason FROM {table} WHERE import_id = @importId ORDER BY row_number", new { importId });
        var parser = reader.GetRowParser<ImportErrorRow>();
        while (await reader.ReadAsync()) yield return parser(reader);
    }
}
