using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Contacts;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Users;
using CallCampaigns.Silo;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCampaigns.Integration.Tests.Cluster;

/// <summary>
/// The slot invariant under a seeded storm: many users and campaigns with random limits, webhooks dropped, repeated
/// and reordered, limits changed mid-run, and one of three silos killed while calls are in flight. A trigger in the
/// ledger samples the counts at every grant and every release.
/// </summary>
public sealed class SlotInvariantChaosTests(PostgresFixture postgres) : IAsyncLifetime
{
    private const int Seed = 20261125;
    private FakeBolna _bolna = null!;

    public async ValueTask InitializeAsync() => _bolna = await FakeBolna.StartAsync();

    [Fact]
    public async Task Limits_hold_at_every_grant_through_lost_repeated_and_reordered_webhooks_limit_changes_and_a_silo_crash()
    {
        var random = new Random(Seed);
        var connectionString = await postgres.CreateDatabaseAsync("chaos");
        using var ledger = LedgerDatabase.ForPostgres(connectionString);
        await new LedgerMigrator(ledger, NullLogger<LedgerMigrator>.Instance).MigrateAsync();
        await InstallSamplerAsync(ledger);

        var users = new UserStore(ledger);
        var campaigns = new CampaignStore(ledger);
        var contacts = new ContactStore(ledger);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await users.EnsureSystemSettingsAsync(6, now);
        var maxSystemLimit = 6;
        var campaignIds = new List<long>();
        var userIds = Enumerable.Range(0, 6).Select(i => $"user{i}").ToArray();
        var phone = 0;
        foreach (var userId in userIds)
        {
            await users.CreateAsync(userId, userId, random.Next(1, 4), NodeSecrets.Hash(userId), now);
            for (var c = random.Next(1, 3); c > 0; c--)
            {
                var items = new List<NewQueueItem>();
                for (var i = random.Next(6, 16); i > 0; i--)
                {
                    var number = $"+1416555{phone++:D4}";
                    var (contactId, _) = await contacts.CreateAsync(new ContactRow { UserId = userId, PhoneNumber = number, Name = number, CreatedAt = now, UpdatedAt = now });
                    items.Add(new NewQueueItem(contactId, number, number, 100, null));
                }

                campaignIds.Add(await campaigns.CreateAsync(Campaign(userId, retry: random.Next(2) == 0, now), items));
            }
        }

        var scripts = new Random(Seed + 1);
        _bolna.Script = _ =>
        {
            lock (scripts)
            {
                return scripts.Next(10) switch
                {
                    < 6 => FakeBolna.Answered(TimeSpan.FromMilliseconds(scripts.Next(100, 700))),
                    < 8 => FakeBolna.Unanswered("busy", TimeSpan.FromMilliseconds(scripts.Next(50, 300))),
                    8 => FakeBolna.Unanswered("no-answer", TimeSpan.FromMilliseconds(scripts.Next(100, 500))),
                    _ => FakeBolna.Unanswered("failed", TimeSpan.FromMilliseconds(50)),
                };
            }
        };

        await using var chaos = await PostgresTestCluster.StartAsync(connectionString, 3, _bolna, new Dictionary<string, string?>
        {
            ["Engine:StaleCallAfter"] = "00:00:02",
            ["Engine:DialAnswerTimeout"] = "00:00:02", // a dial whose answer the crash lost is searched for as soon as a stale call is
            ["Engine:UnboundLeaseTimeout"] = "00:00:02",
            ["Engine:UnknownDialCheckAfter"] = "00:00:01",
            ["Engine:SafetyNetPeriod"] = "00:00:02",
        });
        var deliveries = new Random(Seed + 2);
        chaos.Delivery = () =>
        {
            lock (deliveries)
            {
                return (deliveries.NextDouble() < 0.1, deliveries.NextDouble() < 0.15 ? 2 : 1, TimeSpan.FromMilliseconds(deliveries.Next(0, 400)));
            }
        };

        foreach (var id in campaignIds) await chaos.Grains.GetGrain<ICampaignGrain>(id).Wake();
        var total = (await Task.WhenAll(campaignIds.Select(id => campaigns.GetAsync(id)))).Sum(c => c!.TotalContacts);

        await WaitAsync(async () => await FinalItemsAsync(ledger) >= total / 4, "a quarter of the items final");
        foreach (var userId in userIds.Where(_ => random.Next(2) == 0))
        {
            await users.SetLimitAsync(userId, random.Next(1, 5), now);
            await chaos.Grains.GetGrain<IUserGrain>(IUserGrain.KeyOf(userId)).LimitChanged();
        }

        maxSystemLimit = Math.Max(maxSystemLimit, 8);
        await users.SetSystemLimitAsync(8, now);
        await chaos.Grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).LimitsChanged();

        await WaitAsync(async () => await FinalItemsAsync(ledger) >= total / 2, "half the items final");
        Assert.True(_bolna.ActiveCalls > 0 || await FinalItemsAsync(ledger) < total, "calls should be in flight when the silo dies");
        await chaos.Cluster.KillSiloAsync(chaos.Cluster.Silos[1]);
        await users.SetSystemLimitAsync(4, now);
        await chaos.Grains.GetGrain<ISystemConcurrencyGrain>(ISystemConcurrencyGrain.Key).LimitsChanged();

        await WaitAsync(async () => (await Task.WhenAll(campaignIds.Select(id => campaigns.GetAsync(id)))).All(c => c!.Status == CampaignStatus.Completed), "every campaign completed", TimeSpan.FromMinutes(3), () => DescribeAsync(ledger));

        await using var connection = await ledger.OpenAsync();
        var violations = (await connection.QueryAsync<string>(
            """
            SELECT op || ' ' || user_id || ': user ' || user_count || '/' || user_limit || ', system ' || total || '/' || system_limit
            FROM invariant_samples WHERE op = 'INSERT' AND (user_count > user_limit OR total > system_limit)
            """)).AsList();
        Assert.Empty(violations);
        Assert.True(await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM invariant_samples WHERE op = 'DELETE'") >= total);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM slot_leases"));
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM queue_items WHERE status NOT IN ('completed', 'failed', 'cancelled')"));
        var attempts = (await connection.QueryAsync<(string Phone, int Attempts)>("SELECT phone_number, attempts FROM queue_items")).ToDictionary(r => r.Phone, r => r.Attempts);
        var dialled = _bolna.Calls.GroupBy(c => c.RecipientPhoneNumber).ToDictionary(g => g.Key, g => g.Count());
        Assert.All(attempts, item => Assert.Equal(item.Value, dialled.GetValueOrDefault(item.Key)));
        Assert.InRange(_bolna.MaxConcurrentCalls, 1, maxSystemLimit);
    }

    public async ValueTask DisposeAsync() => await _bolna.DisposeAsync();

    private static Campaign Campaign(string userId, bool retry, long now) => new()
    {
        UserId = userId,
        Name = $"{userId} campaign",
        AgentId = FakeBolna.AgentId,
        Window = new Domain.Scheduling.CallWindow(TimeOnly.MinValue, TimeOnly.MinValue, "UTC", DateOnly.FromDateTime(DateTime.UtcNow.AddDays(-1)), null),
        Pacing = Pacing.Asap,
        Retry = retry ? new RetryPolicy(2, 0, RetryPolicy.RetryableOutcomes) : RetryPolicy.None,
        Status = CampaignStatus.Active,
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now),
        UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(now),
    };

    private static async Task<int> FinalItemsAsync(LedgerDatabase ledger)
    {
        await using var connection = await ledger.OpenAsync();
        return await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM queue_items WHERE status IN ('completed', 'failed', 'cancelled')");
    }

    /// <summary>A trigger that records, at every grant and release, the counts and the limits in force.</summary>
    private static async Task InstallSamplerAsync(LedgerDatabase ledger)
    {
        await using var connection = await ledger.OpenAsync();
        await connection.ExecuteAsync(
            """
            CREATE TABLE invariant_samples (
                id bigserial PRIMARY KEY, op text, user_id text, user_count int, user_limit int, total int, system_limit int);
            CREATE FUNCTION sample_slots() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE owner text := coalesce(NEW.user_id, OLD.user_id);
            BEGIN
                INSERT INTO invariant_samples (op, user_id, user_count, user_limit, total, system_limit)
                SELECT TG_OP, owner,
                       (SELECT count(*) FROM slot_leases WHERE user_id = owner),
                       (SELECT concurrency_limit FROM users WHERE id = owner),
                       (SELECT count(*) FROM slot_leases),
                       (SELECT system_concurrency_limit FROM system_settings WHERE id = 1);
                RETURN NULL;
            END $$;
            CREATE TRIGGER sample_slots AFTER INSERT OR DELETE ON slot_leases FOR EACH ROW EXECUTE FUNCTION sample_slots();
            """);
    }

    private static async Task<string> DescribeAsync(LedgerDatabase ledger)
    {
        await using var connection = await ledger.OpenAsync();
        var campaigns = await connection.QueryAsync<string>(
            "SELECT id || ' ' || user_id || ' ' || status || ' q' || queued_count || ' f' || in_progress_count || ' ok' || successful_count || ' ko' || failed_count FROM campaigns WHERE status <> 'completed'");
        var items = await connection.QueryAsync<string>(
            "SELECT id || ' c' || campaign_id || ' ' || status || ' a' || attempts || ' e' || coalesce(execution_id, '-') || ' s' || coalesce(scheduled_for::text, '-') FROM queue_items WHERE status NOT IN ('completed', 'failed', 'cancelled') LIMIT 30");
        var leases = await connection.QueryAsync<string>(
            "SELECT id || ' ' || user_id || ' c' || coalesce(campaign_id::text, '-') || ' i' || coalesce(item_id::text, '-') || ' e' || coalesce(execution_id, '-') || ' x' || expires_at FROM slot_leases");
        return $"campaigns:\n{string.Join('\n', campaigns)}\nitems:\n{string.Join('\n', items)}\nleases:\n{string.Join('\n', leases)}";
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null, Func<Task<string>>? describe = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(90));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"Not reached in time: {what}\n{(describe is null ? "" : await describe())}");
            await Task.Delay(100);
        }
    }
}
