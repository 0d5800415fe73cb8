using System.Globalization;
using System.Text.Json.Nodes;
using CallCampaigns.Testing;

namespace CallCampaigns.Bench;

/// <summary>
/// How good the queue's estimated call times are: several users and campaigns share the limits, every call on the
/// fake Bolna talks for the same time, and each campaign's window opens a minute or two after it is created, so
/// every item has an estimate before any is dialled. The figure is the share of items whose real start is within
/// ±10% of the estimate they had then, the 10% taken of how far ahead the estimate looked (and, stricter, of how far
/// after the window's opening it lay, at least one call length).
/// Each user first runs a short warm-up campaign: with no calls of its own yet, a campaign's estimates use its
/// user's recent calls for the call length.
/// </summary>
internal static class EtaAccuracy
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench-secret";

    /// <summary>Users (limit) and their campaigns' sizes.</summary>
    private static readonly (int Limit, int[] Campaigns)[] Users = [(2, [30, 30]), (2, [60]), (3, [60])];

    public static async Task RunAsync(double talkSeconds, int systemLimit)
    {
        await using var postgres = await PostgresServer.StartAsync();
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromSeconds(talkSeconds));
        await using var node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Postgres"] = await postgres.CreateDatabaseAsync("eta"),
            ["Auth__AdminKey"] = AdminKey,
            ["Bolna__WebhookSecret"] = Secret,
            ["Bolna__ApiKey"] = bolna.ApiKey,
            ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Logging__LogLevel__Default"] = "Warning",
        });
        bolna.WebhookUrls.Add($"{node.BaseUrl}api/webhooks/bolna?token={Secret}");

        using var admin = new CampaignsClient(node.BaseUrl, AdminKey);
        await admin.SendAsync(HttpMethod.Put, "api/admin/system", new { systemConcurrentCallsLimit = systemLimit });
        var clients = new List<CampaignsClient>();
        var numbers = 0;
        foreach (var (limit, _) in Users)
        {
            var client = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync($"user{clients.Count + 1}", limit));
            clients.Add(client);
            var warmUp = await client.CreateCampaignAsync(Body(await client.CreateContactsAsync(4, numbers), "00:00", "00:00"));
            numbers += 4;
            await client.WaitForCampaignAsync(warmUp["id"]!.GetValue<long>(), c => c["status"]!.GetValue<string>() == "completed", TimeSpan.FromMinutes(2));
        }

        // A window opening at the next minute but one (and closing 23 hours later), in UTC.
        var opens = DateTimeOffset.UtcNow.AddMinutes(2);
        opens = new DateTimeOffset(opens.Year, opens.Month, opens.Day, opens.Hour, opens.Minute, 0, TimeSpan.Zero);
        var first = opens.ToString("HH:mm", CultureInfo.InvariantCulture);
        var last = opens.AddHours(-1).ToString("HH:mm", CultureInfo.InvariantCulture);

        var campaigns = new List<(CampaignsClient Client, long Id)>();
        for (var u = 0; u < Users.Length; u++)
        {
            foreach (var size in Users[u].Campaigns)
            {
                var contacts = await clients[u].CreateContactsAsync(size, numbers);
                numbers += size;
                campaigns.Add((clients[u], (await clients[u].CreateCampaignAsync(Body(contacts, first, last)))["id"]!.GetValue<long>()));
            }
        }

        var snapshot = DateTimeOffset.UtcNow;
        var estimates = new Dictionary<long, DateTimeOffset>();
        foreach (var (client, id) in campaigns)
        {
            foreach (var item in await client.ListItemsAsync(id)) estimates[item["id"]!.GetValue<long>()] = CampaignsClient.Time(item["estimatedCallAt"])!.Value;
        }

        Console.WriteLine($"ETA accuracy: {estimates.Count} items in {campaigns.Count} campaigns of {Users.Length} users (limits {string.Join("/", Users.Select(u => u.Limit))}, system {systemLimit}), calls of {talkSeconds} s; window opens {opens:HH:mm:ss} UTC, estimates taken at {snapshot:HH:mm:ss}");
        foreach (var (client, id) in campaigns)
        {
            await client.WaitForCampaignAsync(id, c => c["status"]!.GetValue<string>() == "completed", TimeSpan.FromMinutes(15));
        }

        var errors = new List<double>();
        var within = 0;
        var withinOfCalling = 0;
        foreach (var (client, id) in campaigns)
        {
            foreach (var item in await client.ListItemsAsync(id))
            {
                var estimate = estimates[item["id"]!.GetValue<long>()];
                var started = CampaignsClient.Time(item["startedAt"])!.Value;
                var lead = (estimate - snapshot).TotalSeconds;
                var error = (started - estimate).TotalSeconds;
                errors.Add(error);
                if (Math.Abs(error) <= 0.10 * lead) within++;
                if (Math.Abs(error) <= Math.Max(0.10 * (estimate - opens).TotalSeconds, talkSeconds)) withinOfCalling++;
            }
        }

        var sorted = errors.Select(Math.Abs).Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  within ±10% of the estimate: {within} of {errors.Count} = {100.0 * within / errors.Count:F1}% (goal 95%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  stricter, 10% of the time from the window opening (at least one call length): {withinOfCalling} of {errors.Count} = {100.0 * withinOfCalling / errors.Count:F1}%"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  |real - estimated| start: p50={At(0.5):F1} s  p90={At(0.9):F1} s  max={sorted[^1]:F1} s; mean signed error {errors.Average():F1} s (positive: later than estimated)"));
        foreach (var client in clients) client.Dispose();
    }

    private static object Body(long[] contacts, string first, string last) => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = first,
        lastCallTime = last,
        timeZone = "UTC",
        pacing = "asap",
        contactIds = contacts,
    };

}
