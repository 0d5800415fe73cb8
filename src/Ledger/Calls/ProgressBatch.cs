using System.Collections.Concurrent;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Npgsql;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Calls;

/// <summary>
/// On PostgreSQL, the effects of many reports sent in one round trip (one <see cref="NpgsqlBatch"/>) instead of one
/// round trip each: an application of 32 executions' deliveries was some 130 round trips, each a wake-up of the
/// node and of the server. The statements are <see cref="ProgressStatements"/>' own, with the write's properties
/// named in them as parameters; each statement's parameters are worked out once (there are a handful of shapes).
/// </summary>
internal static class ProgressBatch
{
    private static readonly ConcurrentDictionary<string, (string Name, Func<object, object?> Value, NpgsqlDbType Type)[]> Parameters = new(StringComparer.Ordinal);

    /// <summary>Runs the writes in order; for each, whether it released the call's slot.</summary>
    public static async Task<bool[]> ExecuteAsync(LedgerDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ProgressWrite> writes)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        var releases = new int[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            foreach (var sql in ProgressStatements.Statements(database, writes[i]))
            {
                var command = new NpgsqlBatchCommand(sql);
                foreach (var (name, value, type) in Parameters.GetOrAdd(sql, Describe))
                    command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value(writes[i]) ?? DBNull.Value });
                batch.BatchCommands.Add(command);
            }

            // A line's end releases the slot in its last statement.
            releases[i] = writes[i].LineEndsNow ? batch.BatchCommands.Count - 1 : -1;
        }

        await batch.ExecuteNonQueryAsync();
        return releases.Select(r => r >= 0 && batch.BatchCommands[r].RecordsAffected > 0).ToArray();
    }

    private static (string, Func<object, object?>, NpgsqlDbType)[] Describe(string sql) =>
        NamedParameters.In<ProgressWrite>(sql).Select(p =>
        {
            var type = Nullable.GetUnderlyingType(p.Property.PropertyType) ?? p.Property.PropertyType;
            var dbType = type == typeof(string) ? NpgsqlDbType.Text
                : type == typeof(long) ? NpgsqlDbType.Bigint
                : type == typeof(int) ? NpgsqlDbType.Integer
                : type == typeof(bool) ? NpgsqlDbType.Boolean
                : type == typeof(double) ? NpgsqlDbType.Double
                : throw new InvalidOperationException($"{nameof(ProgressWrite)}.{p.Property.Name} has a type ({type.Name}) the batch does not send");
            return (p.Name, (Func<object, object?>)p.Property.GetValue, dbType);
        }).ToArray();
}
