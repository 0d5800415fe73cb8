using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;

namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>
/// On SQLite, the connection this process writes its busiest transactions on (the inbox's stores and the applier's
/// applications), kept open and used only by the holder of the writer's turn, with its statements kept compiled:
/// Microsoft.Data.Sqlite compiles a command's SQL again for every new command (Dapper makes one per call), and under a
/// stream of webhooks that compiling was most of the applier's own work. The cache is small and bounded: the writes
/// come from a handful of statement shapes.
/// </summary>
internal sealed class SqliteWriter(string connectionString) : IDisposable
{
    private const int MaxCommands = 64;

    private readonly Dictionary<string, (SqliteCommand Command, Func<object, object?>[] Values)> _commands = new(StringComparer.Ordinal);
    private SqliteConnection? _connection;

    /// <summary>The open writer connection (opened again when it was closed). Only while holding the writer's turn.</summary>
    public async Task<SqliteConnection> ConnectionAsync()
    {
        if (_connection is { State: System.Data.ConnectionState.Open }) return _connection;
        Forget();
        var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync(LedgerDatabase.SqlitePragmas);
        return _connection = connection;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> with the properties of <paramref name="parameters"/> named in it (as Dapper would) and
    /// returns the first column of its first row; the compiled statements are kept for the next call with this SQL.
    /// </summary>
    public async Task<object?> ExecuteScalarAsync<T>(string sql, T parameters, DbTransaction transaction)
        where T : notnull
    {
        var connection = await ConnectionAsync();
        if (!_commands.TryGetValue(sql, out var cached))
        {
            if (_commands.Count >= MaxCommands) Forget(keepConnection: true);
            var command = connection.CreateCommand();
            command.CommandText = sql;
            var named = NamedParameters.In<T>(sql);
            foreach (var (name, _) in named) command.Parameters.Add(new SqliteParameter("@" + name, null));
            var values = named.Select(p => (Func<object, object?>)p.Property.GetValue).ToArray();
            _commands[sql] = cached = (command, values);
        }

        cached.Command.Transaction = (SqliteTransaction)transaction;
        for (var i = 0; i < cached.Values.Length; i++) cached.Command.Parameters[i].Value = cached.Values[i](parameters) ?? DBNull.Value;
        return await cached.Command.ExecuteScalarAsync();
    }

    private void Forget(bool keepConnection = false)
    {
        foreach (var (command, _) in _commands.Values) command.Dispose();
        _commands.Clear();
        if (keepConnection) return;
        _connection?.Dispose();
        _connection = null;
    }

    public void Dispose() => Forget();
}
