using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCampaigns.Integration.Tests.Schemas;

/// <summary>The one migration runner, on both dialects.</summary>
public sealed class MigrationTests(PostgresFixture postgres)
{
    private static readonly string[] OrleansQueryKeys =
    [
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey", "UpdateIAmAlivetimeKey",
        "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey", "CleanupDefunctSiloEntriesKey",
        "ReadFromStorageKey", "WriteToStorageKey", "ClearStorageKey", "ReadReminderRowsKey", "ReadRangeRows1Key",
        "ReadRangeRows2Key", "ReadReminderRowKey", "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
    ];

    [Fact]
    public async Task PostgreSQL_migrations_run_once_each_and_provide_every_query_the_Orleans_providers_need()
    {
        using var ledger = LedgerDatabase.ForPostgres(await postgres.CreateDatabaseAsync("migrate"));
        var migrator = new LedgerMigrator(ledger, NullLogger<LedgerMigrator>.Instance);
        await Task.WhenAll(migrator.MigrateAsync(), migrator.MigrateAsync());
        await migrator.MigrateAsync();

        await using var connection = await ledger.OpenAsync();
        var applied = (await connection.QueryAsync<string>("SELECT scriptname FROM schemaversions")).ToArray();
        Assert.Equal(LedgerMigrator.Scripts(LedgerDialect.Postgres), applied.Order(StringComparer.Ordinal));
        var keys = (await connection.QueryAsync<string>("SELECT querykey FROM orleansquery")).ToHashSet();
        Assert.All(OrleansQueryKeys, key => Assert.Contains(key, keys));
    }

    [Fact]
    public async Task The_SQLite_ledger_is_created_in_its_file_and_migrating_again_changes_nothing()
    {
        using var folder = new TempFolder();
        var file = Path.Combine(folder.Path, "nested", "ledger.db");
        using var ledger = LedgerDatabase.ForSqliteFile(file);
        var migrator = new LedgerMigrator(ledger, NullLogger<LedgerMigrator>.Instance);
        await migrator.MigrateAsync(TestContext.Current.CancellationToken);
        await migrator.MigrateAsync(TestContext.Current.CancellationToken);

        Assert.True(File.Exists(file));
        await using var connection = await ledger.OpenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(LedgerMigrator.Scripts(LedgerDialect.Sqlite).Count, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schemaversions"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM queue_items"));
    }
}
