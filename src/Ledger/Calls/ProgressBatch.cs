using System.Collections.Concurrent;
using System.Reflection;
using System.Text.RegularExpressions;
using CallCampaigns.Ledger.Queue;
using Npgsql;
using NpgsqlTypes;

namespace CallCampaigns.Ledger.Calls;

/// <summary>
/// On PostgreSQL, the effects of many reports sent in one round trip (one <see cref="NpgsqlBatch"/>) instead of one
/// round trip each: an application of 32 executions' deliveries was some 130 round trips, each a wake-up of the
/// node and of the server. The statements are <see cref="ProgressStatements"/>' own, with the write's properties
/// named in them as parameters (as Dapper would bind them).
/// </summary>
internal static partial class ProgressBatch
{
    private static readonly ConcurrentDictionary<string, (Func<object, object?> Value, NpgsqlDbType Type)> Properties = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Runs the writes in order; for each, whether it released the call's slot.</summary>
    public static async Task<bool[]> ExecuteAsync(Infrastructure.LedgerDatabase database, NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<ProgressWrite> writes)
    {
        var released = new bool[writes.Count];
        if (writes.Count == 0) return released;
        await using var batch = new NpgsqlBatch(connection, transaction);
        var releases = new int[writes.Count];
        for (var i = 0; i < writes.Count; i++)
        {
            releases[i] = -1;
            foreach (var sql in ProgressStatements.Statements(database, writes[i]))
            {
                var command = new NpgsqlBatchCommand(sql);
                foreach (var name in ParameterName().Matches(sql).Select(m => m.Groups[1].Value).Distinct(StringComparer.OrdinalIgnoreCase))
                {
                    var (value, type) = Properties.GetOrAdd(name, Describe);
                    command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value(writes[i]) ?? DBNull.Value });
                }

                if (sql.StartsWith(ProgressStatements.Release, StringComparison.Ordinal)) releases[i] = batch.BatchCommands.Count;
                batch.BatchCommands.Add(command);
            }
        }

        await batch.ExecuteNonQueryAsync();
        for (var i = 0; i < writes.Count; i++) released[i] = releases[i] >= 0 && batch.BatchCommands[releases[i]].RecordsAffected > 0;
        return released;
    }

    private static (Func<object, object?> Value, NpgsqlDbType Type) Describe(string name)
    {
        var property = typeof(ProgressWrite).GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)
            ?? throw new InvalidOperationException($"{nameof(ProgressWrite)} has no {name} for its SQL");
        var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
        var dbType = type == typeof(string) ? NpgsqlDbType.Text
            : type == typeof(long) ? NpgsqlDbType.Bigint
            : type == typeof(int) ? NpgsqlDbType.Integer
            : type == typeof(bool) ? NpgsqlDbType.Boolean
            : type == typeof(double) ? NpgsqlDbType.Double
            : throw new InvalidOperationException($"{nameof(ProgressWrite)}.{property.Name} has a type ({type.Name}) the batch does not send");
        return (property.GetValue, dbType);
    }

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex ParameterName();
}
