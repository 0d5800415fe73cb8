using System.Data.Common;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>Which database holds the ledger.</summary>
public enum LedgerDialect
{
    Postgres,
    Sqlite,
}

/// <summary>
/// Opens connections to the ledger. PostgreSQL in cluster mode; an SQLite file in the embedded default.
/// The few places where the two dialects differ ask <see cref="Dialect"/>.
/// </summary>
public sealed class LedgerDatabase : IDisposable
{
    private readonly NpgsqlDataSource? _postgres;
    private readonly string? _sqlite;
    private readonly SemaphoreSlim _sqliteWriter = new(1, 1);
    private readonly SqliteWriter? _writer;

    /// <summary>
    /// WAL lets readers (listings, the API) run beside the single writer; busy_timeout waits out short write locks.
    /// synchronous = NORMAL in WAL: a commit is in the operating system's hands when it returns, so it survives the
    /// process being killed (an answered webhook is not lost); a power cut may lose the last commits.
    /// </summary>
    internal const string SqlitePragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 30000;";

    static LedgerDatabase()
    {
        DefaultTypeMap.MatchNamesWithUnderscores = true;
    }

    private LedgerDatabase(NpgsqlDataSource? postgres, string? sqlite)
    {
        _postgres = postgres;
        _sqlite = sqlite;
        _writer = sqlite is null ? null : new SqliteWriter(sqlite);
    }

    public LedgerDialect Dialect => _postgres is null ? LedgerDialect.Sqlite : LedgerDialect.Postgres;

    /// <summary>The connection string, for the migration runner.</summary>
    public string ConnectionString => _postgres?.ConnectionString ?? _sqlite!;

    /// <summary>
    /// A PostgreSQL ledger. Statements the ledger runs again and again are prepared on the server after a few uses
    /// (unless the connection string says otherwise), which spares PostgreSQL parsing and planning them each time.
    /// </summary>
    public static LedgerDatabase ForPostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!connectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        // The ledger sets no session state, so a pooled connection needs no reset when it is returned.
        if (!connectionString.Contains("Reset On Close", StringComparison.OrdinalIgnoreCase)) builder.NoResetOnClose = true;

        return new(NpgsqlDataSource.Create(builder.ConnectionString), null);
    }

    /// <summary>An SQLite ledger in <paramref name="file"/>, created when missing.</summary>
    public static LedgerDatabase ForSqliteFile(string file)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = file,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            ForeignKeys = true,
            DefaultTimeout = 30,
            Pooling = true,
        };
        return new LedgerDatabase(null, builder.ToString());
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_postgres is not null) return await _postgres.OpenConnectionAsync(cancellationToken);

        var connection = new SqliteConnection(_sqlite);
        await connection.OpenAsync(cancellationToken);
        await connection.ExecuteAsync(SqlitePragmas);
        return connection;
    }

    /// <summary>On SQLite, the writer's kept connection and compiled statements: only while holding <see cref="WriterTurnAsync"/>.</summary>
    internal SqliteWriter? Writer => _writer;

    /// <summary>
    /// On SQLite, the one writer's turn for this process, taken before a busy write transaction: writers queue here
    /// in order instead of in SQLite's busy handler, which sleeps in steps of up to 100 ms. Nothing on PostgreSQL.
    /// </summary>
    public async ValueTask<IDisposable?> WriterTurnAsync()
    {
        if (_postgres is not null) return null;
        await _sqliteWriter.WaitAsync();
        return new Turn(_sqliteWriter);
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) writer.Release();
        }
    }

    /// <summary>
    /// The transaction for a batch of statements sent as one command. PostgreSQL already runs such a batch
    /// atomically (one implicit transaction), so none is opened, saving a round trip; SQLite gets an explicit one.
    /// </summary>
    public async Task<DbTransaction?> BeginBatchAsync(DbConnection connection) =>
        Dialect == LedgerDialect.Postgres ? null : await connection.BeginTransactionAsync();

    /// <summary>
    /// "<paramref name="column"/> is one of the array <paramref name="parameter"/>": PostgreSQL takes the array as one
    /// parameter (<c>= ANY</c>); SQLite has Dapper expand it into a list (<c>IN</c>).
    /// </summary>
    public string IsAnyOf(string column, string parameter) =>
        Dialect == LedgerDialect.Postgres ? $"{column} = ANY({parameter})" : $"{column} IN {parameter}";

    /// <summary>The larger of its arguments.</summary>
    public string Greatest => Dialect == LedgerDialect.Postgres ? "greatest" : "max";

    /// <summary>The smaller of its arguments.</summary>
    public string Least => Dialect == LedgerDialect.Postgres ? "least" : "min";

    /// <summary>Case-insensitive LIKE.</summary>
    public string ILike => Dialect == LedgerDialect.Postgres ? "ILIKE" : "LIKE";

    public void Dispose()
    {
        _postgres?.Dispose();
        _writer?.Dispose();
        _sqliteWriter.Dispose();
    }
}
