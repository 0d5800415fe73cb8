using CallCampaigns.Ledger.Infrastructure;
using Dapper;

namespace CallCampaigns.Ledger.Imports;

/// <summary>Imports and their row errors, as a user reads them back.</summary>
public sealed class ImportStore(LedgerDatabase database)
{
    public Task<ImportSession> BeginAsync(string userId, long now, CancellationToken cancellationToken) =>
        ImportSession.BeginAsync(database, userId, now, cancellationToken);

    public async Task<ImportRecord?> GetAsync(string userId, long id)
    {
        await using var connection = await database.OpenAsync();
        return await connection.QuerySingleOrDefaultAsync<ImportRecord>(
            "SELECT * FROM imports WHERE id = @id AND user_id = @userId", new { id, userId });
    }

    public async Task<IReadOnlyList<ImportErrorRow>> ErrorsAsync(long importId, int limit)
    {
        await using var connection = await database.OpenAsync();
        return (await connection.QueryAsync<ImportErrorRow>(
            "SELECT row_number, phone_number, reason FROM import_errors WHERE import_id = @importId ORDER BY row_number LIMIT @limit",
            new { importId, limit })).AsList();
    }

    /// <summary>Every error of an import, in row order, read as it streams.</summary>
    public async IAsyncEnumerable<ImportErrorRow> AllErrorsAsync(long importId)
    {
        await using var connection = await database.OpenAsync();
        await using var reader = await connection.ExecuteReaderAsync(
            "SELECT row_number, phone_number, reason FROM import_errors WHERE import_id = @importId ORDER BY row_number", new { importId });
        var parser = reader.GetRowParser<ImportErrorRow>();
        while (await reader.ReadAsync()) yield return parser(reader);
    }
}
