using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Domain.Limits;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Grains.Campaigns;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using CallCampaigns.Silo;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCampaigns.Integration.Tests.Cluster;

/// <summary>
/// The grains on an Orleans TestingHost cluster of two silos whose grain state and reminders live in PostgreSQL,
/// with the ledger in the same database and calls placed through the fake Bolna.
/// </summary>
public sealed class TestingHostClusterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FakeBolna _bolna = null!;

    public async ValueTask InitializeAsync() => _bolna = await FakeBolna.StartAsync();

    [Fact]
    public async Task A_campaign_completes_on_a_two_silo_cluster_on_PostgreSQL_within_its_limit()
    {
        var connectionString = await postgres.CreateDatabaseAsync("testinghost");
        using var ledger = LedgerDatabase.ForPostgres(connectionString);
        await new LedgerMigrator(ledger, NullLogger<LedgerMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        var users = new UserStore(ledger);
        await users.EnsureSystemSettingsAsync(10, Now);
        await users.CreateAsync("dana", "Dana", 2, NodeSecrets.Hash("dana-key"), Now);
        var campaigns = new CampaignStore(ledger);
        var campaignId = await campaigns.CreateAsync(Campaign("dana"), await ContactsAsync(new ContactStore(ledger), "dana", 12));
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(300));

        await using var cluster = await PostgresTestCluster.StartAsync(connectionString, 2, _bolna, new Dictionary<string, string?>());
        Assert.Equal(2, cluster.Cluster.Silos.Count);
        await cluster.Grains.GetGrain<ICampaignGrain>(campaignId).Wake();
        var done = await WaitAsync(() => campaigns.GetAsync(campaignId), c => c!.Status == CampaignStatus.Completed);

        Assert.Equal(12, done!.SuccessfulCount);
        Assert.Equal(12, _bolna.Calls.Count);
        Assert.InRange(_bolna.MaxConcurrentCalls, 1, 2);
        Assert.Equal(0, await new CallCampaigns.Ledger.Slots.SlotLeaseStore(ledger).CountAsync());
    }

    [Fact]
    public async Task Campaigns_on_two_silos_racing_for_one_capped_number_dial_it_no_more_than_the_cap()
    {
        var connectionString = await postgres.CreateDatabaseAsync("testinghostcap");
        using var ledger = LedgerDatabase.ForPostgres(connectionString);
        await new LedgerMigrator(ledger, NullLogger<LedgerMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        var users = new UserStore(ledger);
        await users.EnsureSystemSettingsAsync(10, Now);
        await users.SetSystemCapAsync(new CallCap(2, 24), Now);
        await users.CreateAsync("cara", "Cara", 10, NodeSecrets.Hash("cara-key"), Now);
        var campaigns = new CampaignStore(ledger);
        var number = await ContactsAsync(new ContactStore(ledger), "cara", 1);
        // Sixteen campaigns of one user, each with the same number, woken at once and spread over both silos.
        var ids = new List<long>();
        for (var i = 0; i < 16; i++) ids.Add(await campaigns.CreateAsync(Campaign("cara"), number));
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(100));

        await using var cluster = await PostgresTestCluster.StartAsync(connectionString, 2, _bolna, new Dictionary<string, string?>());
        await Task.WhenAll(ids.Select(id => cluster.Grains.GetGrain<ICampaignGrain>(id).Wake()));
        var placed = (await cluster.Grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics())
            .Where(grain => grain.GrainType.Contains(nameof(CampaignGrain), StringComparison.Ordinal)).ToArray();
        Assert.Equal(ids.Count, placed.Length);
        Assert.Equal(2, placed.Select(grain => grain.SiloAddress).Distinct().Count());

        // Settled: two calls made, and every other item held by the cap for a day (no claim can happen before then).
        await WaitAsync(
            () => CountAsync(ledger, "SELECT count(*) FROM queue_items WHERE status = 'completed' OR (status = 'queued' AND capped_until > 0)"),
            settled => settled == ids.Count);
        Assert.Equal(2, _bolna.Calls.Count);
        Assert.Equal(2, await CountAsync(ledger, "SELECT count(*) FROM number_dials"));
    }

    public async ValueTask DisposeAsync() => await _bolna.DisposeAsync();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static Campaign Campaign(string userId) => new()
    {
        UserId = userId,
        Name = "TestingHost campaign",
        AgentId = FakeBolna.AgentId,
        Window = new Domain.Scheduling.CallWindow(TimeOnly.MinValue, TimeOnly.MinValue, "UTC", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), null),
        Pacing = Pacing.Asap,
        Status = CampaignStatus.Active,
        CreatedAt = DateTimeOffset.UtcNow,
        UpdatedAt = DateTimeOffset.UtcNow,
    };

    private static async Task<IReadOnlyList<NewQueueItem>> ContactsAsync(ContactStore contacts, string userId, int count)
    {
        var items = new List<NewQueueItem>();
        for (var i = 0; i < count; i++)
        {
            var phone = $"+1416555{i:D4}";
            var (id, _) = await contacts.CreateAsync(new ContactRow { UserId = userId, PhoneNumber = phone, Name = $"P{i}", CreatedAt = Now, UpdatedAt = Now });
            items.Add(new NewQueueItem(id, phone, $"P{i}", Priority.Compute($"P{i}", null, null, 0, 0), null));
        }

        return items;
    }

    private static async Task<long> CountAsync(LedgerDatabase ledger, string sql)
    {
        await using var connection = await ledger.OpenAsync();
        return await connection.ExecuteScalarAsync<long>(sql);
    }

    private static async Task<T> WaitAsync<T>(Func<Task<T>> read, Func<T, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var value = await read();
            if (done(value)) return value;
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not done in time: {value}");
            await Task.Delay(100);
        }
    }
}
