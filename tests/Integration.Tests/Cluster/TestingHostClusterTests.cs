using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using CallCampaigns.Silo;
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

    public async ValueTask DisposeAsync() => await _bolna.DisposeAsync();

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private static CampaignRow Campaign(string userId) => new()
    {
        UserId = userId,
        Name = "TestingHost campaign",
        AgentId = FakeBolna.AgentId,
        FirstCallTime = "00:00",
        LastCallTime = "00:00",
        TimeZone = "UTC",
        StartDate = DateTime.UtcNow.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        Pacing = Pacing.Asap,
        Status = CampaignStatus.Active,
        CreatedAt = Now,
        UpdatedAt = Now,
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
