using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Grains.Calls;
using CallCampaigns.Ledger.Calls;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using CallCampaigns.Silo;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Hosting;
using Orleans.TestingHost;

namespace CallCampaigns.Integration.Tests.Cluster;

/// <summary>
/// The grains on an Orleans TestingHost cluster of two silos whose grain state and reminders live in PostgreSQL,
/// with the ledger in the same database and calls placed through the fake Bolna.
/// </summary>
public sealed class TestingHostClusterTests(PostgresFixture postgres) : IAsyncLifetime
{
    private FakeBolna _bolna = null!;
    private WebApplication? _webhooks;
    private InProcessTestCluster? _cluster;

    public async ValueTask InitializeAsync() => _bolna = await FakeBolna.StartAsync();

    [Fact]
    public async Task A_campaign_completes_on_a_two_silo_cluster_on_PostgreSQL_within_its_limit()
    {
        var connectionString = await postgres.CreateDatabaseAsync("testinghost");
        var ledger = LedgerDatabase.ForPostgres(connectionString);
        await new LedgerMigrator(ledger, NullLogger<LedgerMigrator>.Instance).MigrateAsync(TestContext.Current.CancellationToken);
        var users = new UserStore(ledger);
        await users.EnsureSystemSettingsAsync(10, Now);
        await users.CreateAsync("dana", "Dana", 2, NodeSecrets.Hash("dana-key"), Now);
        var campaigns = new CampaignStore(ledger);
        var campaignId = await campaigns.CreateAsync(Campaign("dana"), await ContactsAsync(new ContactStore(ledger), "dana", 12));

        _cluster = await StartClusterAsync(connectionString);
        Assert.Equal(2, _cluster.Silos.Count);
        _bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(300));
        _bolna.WebhookUrls.Add(await StartWebhookReceiverAsync(new CallReports(new CallEventStore(ledger), _cluster.Client, TimeProvider.System)));

        await _cluster.Client.GetGrain<ICampaignGrain>(campaignId).Wake();
        var done = await WaitAsync(() => campaigns.GetAsync(campaignId), c => c!.Status == CampaignStatus.Completed);

        Assert.Equal(12, done!.SuccessfulCount);
        Assert.Equal(12, _bolna.Calls.Count);
        Assert.InRange(_bolna.MaxConcurrentCalls, 1, 2);
        Assert.Equal(0, await new CallCampaigns.Ledger.Slots.SlotLeaseStore(ledger).CountAsync());
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null) await _cluster.DisposeAsync();
        if (_webhooks is not null) await _webhooks.DisposeAsync();
        await _bolna.DisposeAsync();
    }

    private static long Now => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    private async Task<InProcessTestCluster> StartClusterAsync(string connectionString)
    {
        var settings = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = _bolna.ApiKey,
            ["Bolna:BaseUrl"] = _bolna.BaseUrl.ToString(),
        }).Build();
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureHost(host => host.Logging.SetMinimumLevel(LogLevel.Warning));
        builder.ConfigureSilo((_, silo) =>
        {
            silo.AddAdoNetGrainStorageAsDefault(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            silo.UseAdoNetReminderService(options =>
            {
                options.Invariant = "Npgsql";
                options.ConnectionString = connectionString;
            });
            silo.Services.AddCallCampaignsServices(settings, LedgerDatabase.ForPostgres(connectionString));
        });
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    private async Task<string> StartWebhookReceiverAsync(CallReports reports)
    {
        var port = FreePorts.Next();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        _webhooks = builder.Build();
        _webhooks.MapPost("/hook", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body);
            var result = await reports.ReceiveAsync(await reader.ReadToEndAsync());
            return result.Outcome == ReportOutcome.Applied ? Results.Ok() : Results.Accepted();
        });
        await _webhooks.StartAsync();
        return $"http://127.0.0.1:{port}/hook";
    }

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
            var phone = $"+1415555{i:D4}";
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
