using System.Diagnostics;
using System.Globalization;
using CallCampaigns.Grains.Campaigns;
using CallCampaigns.Ledger.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using CallCampaigns.Ledger.Rules;
using CallCampaigns.Testing;
using Dapper;
using Microsoft.Extensions.Logging.Abstractions;

namespace CallCampaigns.Bench;

/// <summary>
/// One campaign's dispatch pass through the dial gate (<see cref="GatePass"/>: free the holds that are over, read
/// the items that may be due, hold those outside their contact's hours), with the window read on each contact's
/// clock at 10:00 in London: 90% of the contacts are in Tokyo (19:00, held until 09:00 there) and they come first
/// in dispatch order, the worst case. A pass wants 10 items; those it may dial stay queued (the pass is timed, not
/// the claims), so every pass reads its way past the held items as the first pass of a new activation would.
/// The passes until the holds are settled are reported apart; then 300 passes at once, and 300 once PostgreSQL has
/// vacuumed the table (as its autovacuum does soon after so many changes), on 1M items beside 1,000 items.
/// </summary>
internal static class GatePasses
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private const int Wanted = 10;
    private const int Measured = 300;

    public static async Task RunAsync(int items, string ledgers)
    {
        Console.WriteLine($"Dial gate: one dispatch pass (wanting {Wanted}) over a campaign on each contact's clock, 90% of it held by contact time (first in dispatch order)");
        PostgresServer? postgres = null;
        try
        {
            foreach (var ledger in ledgers.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                string? folder = null;
                LedgerDatabase database;
                if (ledger.Equals("postgres", StringComparison.OrdinalIgnoreCase))
                {
                    postgres ??= await PostgresServer.StartAsync();
                    database = LedgerDatabase.ForPostgres(await postgres.CreateDatabaseAsync("gate"));
                }
                else
                {
                    folder = Directory.CreateTempSubdirectory("cc-bench-gate-").FullName;
                    database = LedgerDatabase.ForSqliteFile(Path.Combine(folder, "ledger.db"));
                }

                using (database)
                {
                    await new LedgerMigrator(database, NullLogger<LedgerMigrator>.Instance).MigrateAsync();
                    var small = await MeasureAsync(database, 1_000);
                    var large = await MeasureAsync(database, items);
                    Console.WriteLine($"  {ledger}:");
                    Console.WriteLine($"    {small.Describe(1_000)}");
                    Console.WriteLine($"    {large.Describe(items)}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    p99 {items:N0} items / p99 1,000 items: {large.P99 / small.P99:F2}x (goal <= 2x, p99 <= 20 ms)"));
                    var (without, with) = await ClaimsAsync(database, items);
                    Console.WriteLine($"    claim, no do-not-call entry:            {Percentiles.Describe(without)}");
                    Console.WriteLine($"    claim, {items:N0} numbers on the list:  {Percentiles.Describe(with)}");
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    the list's check adds {P99(with) - P99(without):F2} ms to a claim's p99 (goal <= 1 ms)"));
                }

                if (folder is not null) Directory.Delete(folder, recursive: true);
            }
        }
        finally
        {
            if (postgres is not null) await postgres.DisposeAsync();
        }
    }

    private static double P99(List<double> values) => values.Order().ElementAt(Math.Clamp((int)Math.Ceiling(0.99 * values.Count) - 1, 0, values.Count - 1));

    /// <summary>
    /// Claims of a London item of the large campaign (each given back untimed, as a refused dial is), with the user's
    /// do-not-call list empty, then holding <paramref name="numbers"/> other numbers (and the system's list as many).
    /// </summary>
    private static async Task<(List<double> Without, List<double> With)> ClaimsAsync(LedgerDatabase database, int numbers)
    {
        var queue = new QueueStore(database, new Ledger.Slots.LedgerNode("bench"));
        var user = $"gate-{numbers}";
        await using var connection = await database.OpenAsync();
        var (campaignId, itemId) = await connection.QuerySingleAsync<(long, long)>(
            "SELECT campaign_id, id FROM queue_items WHERE user_id = @user AND status = 'queued' AND phone_number LIKE '%0' ORDER BY id LIMIT 1", new { user });
        var without = await TimeAsync();
        var series = database.Dialect == LedgerDialect.Postgres
            ? "SELECT n FROM generate_series(1, @numbers) AS n"
            : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < @numbers) SELECT n FROM s";
        foreach (var owner in new[] { "@user", "NULL" })
        {
            await connection.ExecuteAsync(
                $"INSERT INTO suppressions (user_id, phone_number, source, created_at) SELECT {owner}, '+8' || n, 'import', 0 FROM ({series}) AS numbers",
                new { user, numbers }, commandTimeout: 600);
        }

        await connection.ExecuteAsync("ANALYZE", commandTimeout: 600, commandType: System.Data.CommandType.Text);
        return (without, await TimeAsync());

        async Task<List<double>> TimeAsync()
        {
            var times = new List<double>();
            for (var i = 0; i < Measured; i++)
            {
                var leaseId = await connection.ExecuteScalarAsync<long>(
                    "INSERT INTO slot_leases (user_id, granted_at, expires_at) VALUES (@user, 0, @far) RETURNING id", new { user, far = long.MaxValue / 2 });
                var started = Stopwatch.GetTimestamp();
                var claim = await queue.ClaimAsync(campaignId, itemId, leaseId, UnixMs.From(Now), long.MaxValue / 2);
                times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (claim.Item is not { } item) throw new InvalidOperationException("the claim did not bind");
                await queue.ReturnToQueueAsync(campaignId, itemId, item.Attempts, null, UnixMs.From(Now));
            }

            return times;
        }
    }

    /// <summary>The passes until one finds what it wants, then passes at once after, then passes once vacuumed (PostgreSQL).</summary>
    private sealed record Result(int SettlingPasses, double SettlingSeconds, List<double> Fresh, List<double> Passes)
    {
        public double P99 => Passes.Order().ElementAt(Math.Clamp((int)Math.Ceiling(0.99 * Passes.Count) - 1, 0, Passes.Count - 1));

        public string Describe(int items) => string.Create(CultureInfo.InvariantCulture,
            $"{items,9:N0} items: settling {SettlingPasses} passes in {SettlingSeconds:F1} s\n" +
            $"      at once after: {Percentiles.Describe(Fresh)}\n      steady:        {Percentiles.Describe(Passes)}");
    }

    private static async Task<Result> MeasureAsync(LedgerDatabase database, int items)
    {
        var campaignId = await SeedAsync(database, items);
        var campaigns = new CampaignStore(database);
        var queue = new QueueStore(database, new Ledger.Slots.LedgerNode("bench"));
        var holds = new HoldStore(database);
        var rules = await new CallingRuleStore(database).ListAsync();
        var settling = Stopwatch.StartNew();
        var settlingPasses = 0;
        while (true)
        {
            settlingPasses++;
            var pass = await PassAsync(campaigns, queue, holds, rules, campaignId);
            if (pass.Dial.Count == Wanted) break;
        }

        settling.Stop();
        var fresh = await TimePassesAsync();
        // The holds left the old index entries of the held items behind: PostgreSQL's autovacuum clears them within
        // about a minute of so many changes (its default thresholds); here it is run at once.
        if (database.Dialect == LedgerDialect.Postgres)
        {
            await using var connection = await database.OpenAsync();
            await connection.ExecuteAsync("VACUUM (ANALYZE) queue_items", commandTimeout: 600);
        }

        return new Result(settlingPasses, settling.Elapsed.TotalSeconds, fresh, await TimePassesAsync());

        async Task<List<double>> TimePassesAsync()
        {
            var times = new List<double>();
            for (var i = 0; i < Measured; i++)
            {
                var started = Stopwatch.GetTimestamp();
                var pass = await PassAsync(campaigns, queue, holds, rules, campaignId, () => times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds));
                if (pass.Dial.Count != Wanted) throw new InvalidOperationException($"a pass found {pass.Dial.Count} items to dial");
            }

            return times;
        }
    }

    /// <summary>The grain's pass: the campaign read afresh, then the gate.</summary>
    private static async Task<GatePass> PassAsync(
        CampaignStore campaigns, QueueStore queue, HoldStore holds, IReadOnlyList<Domain.Policy.CallingRule> rules, long campaignId,
        Action? measured = null)
    {
        var campaign = (await campaigns.GetAsync(campaignId))!;
        await GatePass.RefreshHoldsAsync(holds, campaign, rules, Now);
        var pass = await GatePass.ReadAsync(queue, holds, campaign, rules, Now, Wanted);
        measured?.Invoke();
        return pass;
    }

    /// <summary>A user, <paramref name="items"/> contacts (90% in Tokyo, with the higher priority) and an active campaign of them all.</summary>
    private static async Task<long> SeedAsync(LedgerDatabase database, int items)
    {
        var postgres = database.Dialect == LedgerDialect.Postgres;
        var before = UnixMs.From(Now.AddHours(-1));
        var user = $"gate-{items}";
        await using var connection = await database.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO users (id, name, concurrency_limit, created_at, updated_at) VALUES (@user, @user, 10, @before, @before)",
            new { user, before }, transaction);
        var campaignId = await connection.ExecuteScalarAsync<long>(
            """
            INSERT INTO campaigns (user_id, name, agent_id, first_call_time, last_call_time, time_zone, window_zone, start_date, pacing,
                status, total_contacts, queued_count, last_position, created_at, updated_at)
            VALUES (@user, 'gate', 'agent', '09:00', '17:00', 'Europe/London', 'contact', '2026-11-01', 'asap', 'active',
                @items, @items, @items, @before, @before)
            RETURNING id
            """,
            new { user, items, before }, transaction);
        var numbers = postgres
            ? "SELECT n FROM generate_series(1, @items) AS n"
            : "WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM s WHERE n < @items) SELECT n FROM s";
        // Every tenth contact is in London (in its window); the rest in Tokyo, ahead in dispatch order.
        await connection.ExecuteAsync(
            $"""
            INSERT INTO contacts (user_id, phone_number, time_zone, region, created_at, updated_at)
            SELECT @user, '+9' || n, CASE WHEN n % 10 = 0 THEN 'Europe/London' ELSE 'Asia/Tokyo' END,
                CASE WHEN n % 10 = 0 THEN 'GB' ELSE 'JP' END, @before, @before
            FROM ({numbers}) AS numbers
            """,
            new { user, items, before }, transaction, commandTimeout: 600);
        await connection.ExecuteAsync(
            """
            INSERT INTO queue_items (campaign_id, user_id, contact_id, phone_number, status, priority, position, updated_at)
            SELECT @campaignId, @user, id, phone_number, 'queued', CASE WHEN time_zone = 'Asia/Tokyo' THEN 100 ELSE 50 END, id, @before
            FROM contacts WHERE user_id = @user
            """,
            new { campaignId, user, before }, transaction, commandTimeout: 600);
        await transaction.CommitAsync();
        if (postgres) await connection.ExecuteAsync("ANALYZE contacts; ANALYZE queue_items", commandTimeout: 600);
        else await connection.ExecuteAsync("ANALYZE", commandTimeout: 600, commandType: System.Data.CommandType.Text);
        return campaignId;
    }
}
