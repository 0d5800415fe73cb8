using System.Data.Common;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>A column written in bulk: its name and its PostgreSQL type (SQLite needs none).</summary>
public sealed record BulkColumn(string Name, NpgsqlDbType Type);

/// <summary>
/// Writes many rows into one table inside the caller's transaction: binary <c>COPY</c> on PostgreSQL, one prepared
/// INSERT reused for every row on SQLite.
/// </summary>
public static class BulkWriter
{
    public static async Task WriteAsync(
        DbConnection connection, DbTransaction transaction, string table, IReadOnlyList<BulkColumn> columns,
        IEnumerable<object?[]> rows, CancellationToken cancellationToken = default)
    {
        var names = string.Join(", ", columns.Select(c => c.Name));
        if (connection is NpgsqlConnection postgres)
        {
            await using var copy = await postgres.BeginBinaryImportAsync($"COPY {table} ({names}) FROM STDIN (FORMAT BINARY)", cancellationToken);
            foreach (var row in rows)
            {
                await copy.StartRowAsync(cancellationToken);
                for (var i = 0; i < columns.Count; i++)
                {
                    if (row[i] is null) await copy.WriteNullAsync(cancellationToken);
                    else await copy.WriteAsync(row[i], columns[i].Type, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
            return;
        }

        await using var insert = (SqliteCommand)connection.CreateCommand();
        insert.Transaction = (SqliteTransaction)transaction;
        insert.CommandText = $"INSERT INTO {table} ({names}) VALUES ({string.Join(", ", columns.Select((_, i) => $"@p{i}"))})";
        var parameters = columns.Select((_, i) => insert.Parameters.Add(new SqliteParameter($"@p{i}", null))).ToArray();
        insert.Prepare();
        foreach (var row in rows)
        {
            for (var i = 0; i < parameters.Length; i++) parameters[i].Value = row[i] ?? DBNull.Value;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
