using System.Globalization;
using System.Net.Http.Json;
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
/// Part of the items go through the dial gate's contact time: two campaigns are on their contacts' clocks
/// (<c>windowZone: "contact"</c>), with a share of UK contacts whom a calling rule for <c>GB</c> holds until
/// <see cref="Stagger"/> after the others' window opens, so they wait in the queue while the others are called
/// (the Toronto-numbered contacts are given the zone <c>UTC</c>, the campaign window's). For a UK item the wait is
/// measured from its own opening.
/// </summary>
internal static class EtaAccuracy
{
    private const string AdminKey = "bench-admin";
    private const string Secret = "bench-secret";

    /// <summary>Users (limit) and their campaigns: size, and the share of UK contacts (0: on the campaign's clock, no UK contacts).</summary>
    private static readonly (int Limit, (int Size, double Uk)[] Campaigns)[] Users = [(2, [(30, 0), (30, 0)]), (2, [(60, 1 / 3.0)]), (3, [(60, 0.5)])];

    /// <summary>How long after the window opens the calling rule lets the UK contacts be called.</summary>
    private static readonly TimeSpan Stagger = TimeSpan.FromMinutes(2);

    /// <param name="detail">Print each item's estimate and real start, in seconds from its opening.</param>
    public static async Task RunAsync(double talkSeconds, int systemLimit, bool detail)
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

        // The UK contacts' calling rule, in London's local time: from the stagger after the opening, for 23 hours.
        var london = TimeZoneInfo.FindSystemTimeZoneById("Europe/London");
        var ukOpens = opens + Stagger;
        var ukFrom = TimeZoneInfo.ConvertTime(ukOpens, london).ToString("HH:mm", CultureInfo.InvariantCulture);
        var ukTo = TimeZoneInfo.ConvertTime(ukOpens.AddHours(-1), london).ToString("HH:mm", CultureInfo.InvariantCulture);
        var rules = (await admin.Http.GetFromJsonAsync<JsonArray>("api/admin/calling-rules"))!;
        rules.Add(new JsonObject { ["region"] = "GB", ["from"] = ukFrom, ["to"] = ukTo });
        (await admin.Http.PutAsJsonAsync("api/admin/calling-rules", rules)).EnsureSuccessStatusCode();

        var campaigns = new List<(CampaignsClient Client, long Id)>();
        var ukContacts = new HashSet<long>();
        var ukNumbers = 0;
        for (var u = 0; u < Users.Length; u++)
        {
            foreach (var (size, uk) in Users[u].Campaigns)
            {
                if (uk <= 0)
                {
                    var contacts = await clients[u].CreateContactsAsync(size, numbers);
                    numbers += size;
                    campaigns.Add((clients[u], (await clients[u].CreateCampaignAsync(Body(contacts, first, last)))["id"]!.GetValue<long>()));
                    continue;
                }

                // Interleaved, so that held items sit between dialable ones in dispatch order.
                var mixed = new long[size];
                for (var i = 0; i < size; i++)
                {
                    var isUk = (int)Math.Floor((i + 1) * uk) > (int)Math.Floor(i * uk);
                    var (phoneNumber, timeZone) = isUk ? ($"+4420794600{ukNumbers++:D2}", (string?)null) : ($"+1416555{numbers++:D4}", "UTC");
                    var contact = await clients[u].PostAsync("api/contacts", new { name = $"Person {i}", phoneNumber, timeZone }, 201);
                    mixed[i] = contact["id"]!.GetValue<long>();
                    if (isUk) ukContacts.Add(mixed[i]);
                }

                var body = Body(mixed, first, last, windowZone: "contact");
                campaigns.Add((clients[u], (await clients[u].CreateCampaignAsync(body))["id"]!.GetValue<long>()));
            }
        }

        var snapshot = DateTimeOffset.UtcNow;
        var estimates = new Dictionary<long, DateTimeOffset>();
        foreach (var (client, id) in campaigns)
        {
            foreach (var item in await client.ListItemsAsync(id))
            {
                if (CampaignsClient.Time(item["estimatedCallAt"]) is { } estimate) estimates[item["id"]!.GetValue<long>()] = estimate;
            }
        }

        Console.WriteLine($"ETA accuracy: {estimates.Count} items with an estimate in {campaigns.Count} campaigns of {Users.Length} users (limits {string.Join("/", Users.Select(u => u.Limit))}, system {systemLimit}), calls of {talkSeconds} s; window opens {opens:HH:mm:ss} UTC, {ukContacts.Count} UK contacts at {ukOpens:HH:mm:ss}; estimates taken at {snapshot:HH:mm:ss}");
        foreach (var (client, id) in campaigns)
        {
            await client.WaitForCampaignAsync(id, c => c["status"]!.GetValue<string>() == "completed", TimeSpan.FromMinutes(15));
        }

        var errors = new List<double>();
        var within = 0;
        var withinOfCalling = 0;
        var (ukItems, ukWithinOfCalling, missing) = (0, 0, 0);
        foreach (var (client, id) in campaigns)
        {
            foreach (var item in await client.ListItemsAsync(id))
            {
                var isUk = ukContacts.Contains(item["contactId"]!.GetValue<long>());
                ukItems += isUk ? 1 : 0;
                if (!estimates.TryGetValue(item["id"]!.GetValue<long>(), out var estimate))
                {
                    missing++;
                    continue;
                }

                var started = CampaignsClient.Time(item["startedAt"])!.Value;
                var lead = (estimate - snapshot).TotalSeconds;
                var error = (started - estimate).TotalSeconds;
                var opened = isUk ? ukOpens : opens;
                errors.Add(error);
                if (detail)
                {
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"    campaign {id} item {item["id"]}{(isUk ? " (UK)" : "")}: estimated {(estimate - opened).TotalSeconds:F1} s, started {(started - opened).TotalSeconds:F1} s after its opening"));
                }
                if (Math.Abs(error) <= 0.10 * lead) within++;
                if (Math.Abs(error) <= Math.Max(0.10 * (estimate - opened).TotalSeconds, talkSeconds))
                {
                    withinOfCalling++;
                    ukWithinOfCalling += isUk ? 1 : 0;
                }
            }
        }

        var total = errors.Count + missing; // an item with no estimate counts as a miss

        var sorted = errors.Select(Math.Abs).Order().ToArray();
        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  within ±10% of the estimate: {within} of {total} = {100.0 * within / total:F1}%"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  stricter, 10% of the time from the window opening (at least one call length): {withinOfCalling} of {total} = {100.0 * withinOfCalling / total:F1}% (goal 95%)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"    of which UK contacts held by the calling rule, from their own opening: {ukWithinOfCalling} of {ukItems}; items with no estimate: {missing}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  |real - estimated| start: p50={At(0.5):F1} s  p90={At(0.9):F1} s  max={sorted[^1]:F1} s; mean signed error {errors.Average():F1} s (positive: later than estimated)"));
        foreach (var client in clients) client.Dispose();
    }

    private static object Body(long[] contacts, string first, string last, string windowZone = "campaign") => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = first,
        lastCallTime = last,
        timeZone = "UTC",
        windowZone,
        pacing = "asap",
        contactIds = contacts,
    };

}
