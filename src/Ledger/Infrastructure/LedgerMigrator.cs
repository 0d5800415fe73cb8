using Dapper;
using DbUp;
using DbUp.Engine;
using DbUp.Engine.Output;
using Microsoft.Extensions.Logging;

namespace CallCampaigns.Ledger.Infrastructure;

/// <summary>
/// The one migration runner: applies the scripts under <c>sql/postgres</c> or <c>sql/sqlite</c> in name order,
/// once each, recording them in the <c>schemaversions</c> table. Nodes starting together against one PostgreSQL
/// database take turns through an advisory lock.
/// </summary>
public sealed class LedgerMigrator(LedgerDatabase database, ILogger<LedgerMigrator> logger)
{
    private const long MigrationLockKey = 0x43616c6c43616d70; // "CallCamp"

    /// <summary>The embedded scripts for a dialect, in the order they run.</summary>
    public static IReadOnlyList<string> Scripts(LedgerDialect dialect) =>
        typeof(LedgerMigrator).Assembly.GetManifestResourceNames()
            .Where(name => name.StartsWith(Folder(dialect), StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .ToArray();

    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var postgres = database.Dialect == LedgerDialect.Postgres;
        if (postgres) await connection.ExecuteAsync("SELECT pg_advisory_lock(@MigrationLockKey)", new { MigrationLockKey });
        try
        {
            var result = Build().PerformUpgrade();
            if (!result.Successful)
            {
                throw new InvalidOperationException(
                    $"Migration {result.ErrorScript?.Name} failed: {result.Error?.Message}", result.Error);
            }

            foreach (var script in result.Scripts) logger.LogInformation("Applied migration {Script}", script.Name);
        }
        finally
        {
            if (postgres) await connection.ExecuteAsync("SELECT pg_advisory_unlock(@MigrationLockKey)", new { MigrationLockKey });
        }
    }

    private UpgradeEngine Build()
    {
        var assembly = typeof(LedgerMigrator).Assembly;
        var folder = Folder(database.Dialect);
        var to = database.Dialect == LedgerDialect.Postgres
            ? DeployChanges.To.PostgresqlDatabase(database.ConnectionString)
            : DeployChanges.To.SqliteDatabase(database.ConnectionString);
        return to
            .WithScriptsEmbeddedInAssembly(assembly, name => name.StartsWith(folder, StringComparison.Ordinal))
            .WithTransactionPerScript()
            .LogTo(new QuietLog(logger))
            .Build();
    }

    private static string Folder(LedgerDialect dialect) =>
        dialect == LedgerDialect.Postgres ? "sql/postgres/" : "sql/sqlite/";

    /// <summary>DbUp's chatter goes to debug; its errors stay errors.</summary>
    private sealed class QuietLog(ILogger logger) : IUpgradeLog
    {
        public void LogTrace(string format, params object[] args) { }

        public void LogDebug(string format, params object[] args) { }

        public void LogInformation(string format, params object[] args) =>
            logger.LogDebug("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogWarning(string format, params object[] args) =>
            logger.LogWarning("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(string format, params object[] args) =>
            logger.LogError("{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));

        public void LogError(Exception ex, string format, params object[] args) =>
            logger.LogError(ex, "{Message}", string.Format(System.Globalization.CultureInfo.InvariantCulture, format, args));
    }
}
