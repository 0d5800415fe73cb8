using CallCampaigns.Ledger.Imports;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Suppressions;

/// <summary>Imports onto a do-not-call list and the rows they refused, written in batches as the file is read.</summary>
public sealed class SuppressionImportStore(LedgerDatabase database)
{
    /// <summary>Records an import onto the user's list (null: the system's); returns its id.</summary>
    public async Task<long> StartAsync(string? userId, long now)
    {
        await using var connection = await database.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "INSERT INTO suppression_imports (user_id, created_at) VALUES (@userId, @now) RETURNING id", new { userId, now });
    }

    public async Task RecordErrorsAsync(long importId, IReadOnlyList<ImportErrorRow> errors, CancellationToken cancellationToken)
    {
        if (errors.Count == 0) return;
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await BulkWriter.WriteAsync(connection, transaction, "suppression_import_errors", ImportStore.ErrorColumns,
            errors.Select(e => new object?[] { importId, e.RowNumber, e.PhoneNumber, e.Reason }), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Whether the import is one of the list's (the user's, or the system's for null).</summary>
    public async Task<bool> ExistsAsync(string? userId, long importId)
    {
        await using var connection = await database.OpenAsync();
        var owner = userId is null ? "user_id IS NULL" : "user_id = @userId";
        return await connection.ExecuteScalarAsync<long>(
            $"SELECT count(*) FROM suppression_imports WHERE id = @importId AND {owner}", new { importId, userId }) == 1;
    }

    /// <summary>Every row the import refused, in row order, read as it streams.</summary>
    public IAsyncEnumerable<ImportErrorRow> AllErrorsAsync(long importId) =>
        ImportStore.StreamErrorsAsync(database, "suppression_import_errors", importId);
}
