using System.Text;
using System.Text.Json.Nodes;
using CallCampaigns.Grains.Abstractions;
using CallCampaigns.Integration.Tests.Infrastructure;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using CallCampaigns.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// An embedded node whose clock the test sets (a <see cref="FakeTimeProvider"/>), dialling the fake Bolna. Timers and
/// reminders are stood in for by <see cref="WakeAsync"/>: the test moves the clock, then delivers the tick.
/// </summary>
public sealed class ScheduledNode : IAsyncDisposable
{
    private readonly TempFolder _data;
    private int _numbers;

    private ScheduledNode(TempFolder data, FakeTimeProvider clock, FakeBolna bolna, EmbeddedNode node, CampaignsClient user)
    {
        _data = data;
        Clock = clock;
        Bolna = bolna;
        Node = node;
        User = user;
    }

    public FakeTimeProvider Clock { get; }

    public FakeBolna Bolna { get; }

    public EmbeddedNode Node { get; }

    /// <summary>A user with the limit given at start.</summary>
    public CampaignsClient User { get; }

    public HeldCalls Held { get; } = new();

    /// <summary>
    /// A campaign over <paramref name="contacts"/> calling as fast as the limits allow from 09:00 to 17:00, read in
    /// London or, with <paramref name="windowZone"/> "contact", in each contact's own zone.
    /// </summary>
    public static object NineToFiveInLondon(long[] contacts, string windowZone = "campaign") => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = "09:00",
        lastCallTime = "17:00",
        timeZone = "Europe/London",
        windowZone,
        pacing = "asap",
        contactIds = contacts,
    };

    public static async Task<ScheduledNode> StartAsync(DateTimeOffset now, int userLimit = 1, Action<IServiceCollection>? services = null)
    {
        var data = new TempFolder();
        var clock = new FakeTimeProvider(now);
        var bolna = await FakeBolna.StartAsync();
        var node = await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = bolna.ApiKey,
            ["Bolna:BaseUrl"] = bolna.BaseUrl.ToString(),
        }, clock, services);
        bolna.WebhookUrls.Add($"{node.BaseUrl}api/webhooks/bolna?token={node.WebhookSecret}");
        using var admin = node.Admin();
        var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("planner", userLimit));
        var scheduled = new ScheduledNode(data, clock, bolna, node, user);
        bolna.Script = scheduled.Held.Script;
        return scheduled;
    }

    /// <summary>Sets the clock (forwards only) and delivers the campaign's tick, as its timer or reminder would.</summary>
    public async Task AdvanceAndWakeAsync(DateTimeOffset to, long campaignId)
    {
        Clock.SetUtcNow(to);
        await WakeAsync(campaignId);
    }

    public Task WakeAsync(long campaignId) => Node.Services.GetRequiredService<IGrainFactory>().GetGrain<ICampaignGrain>(campaignId).Wake();

    /// <summary>
    /// A new contact with a fresh number (in Toronto, where no shipped calling rule applies) or the one given; named
    /// when <paramref name="name"/> is given.
    /// </summary>
    public async Task<long> ContactAsync(string? name = null, string? email = null, string? phoneNumber = null)
    {
        phoneNumber ??= $"+1416666{Interlocked.Increment(ref _numbers):D4}";
        var contact = await User.PostAsync("api/contacts", new { name, email, phoneNumber }, 201);
        return contact["id"]!.GetValue<long>();
    }

    public async Task<long> CampaignAsync(object body) => (await User.CreateCampaignAsync(body))["id"]!.GetValue<long>();

    public async Task<JsonObject> ItemAsync(long campaignId, long contactId) =>
        (await User.ListItemsAsync(campaignId)).Single(i => i["contactId"]!.GetValue<long>() == contactId);

    public async Task<string> ItemStatusAsync(long campaignId, long contactId) => (await ItemAsync(campaignId, contactId))["status"]!.GetValue<string>();

    /// <summary>Asserts that the contact's call has been placed (it may already be ringing or talking).</summary>
    public async Task AssertCalledAsync(long campaignId, long contactId) =>
        Assert.Contains(await ItemStatusAsync(campaignId, contactId), new[] { "dialing", "in-progress" });

    /// <summary>How many of the campaign's items the dial gate holds in the ledger (so passes do not read them).</summary>
    public async Task<long> HeldCountAsync(long campaignId)
    {
        await using var connection = await Node.Services.GetRequiredService<LedgerDatabase>().OpenAsync();
        return await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM queue_items WHERE campaign_id = @campaignId AND held_until > 0", new { campaignId });
    }

    /// <summary>The queued items in the order the queue listing gives them.</summary>
    public async Task<IReadOnlyList<JsonObject>> QueuedAsync(long campaignId) =>
        (await User.GetAsync($"api/campaigns/{campaignId}/queue?status=queued&pageSize=200"))["items"]!.AsArray().Select(i => i!.AsObject()).ToArray();

    /// <summary>Waits (in real time: the fake Bolna's calls run on the real clock) until Bolna has seen <paramref name="count"/> dials.</summary>
    public async Task<IReadOnlyList<ReceivedCall>> DialsAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (Bolna.Calls.Count < count && DateTime.UtcNow < deadline) await Task.Delay(20);
        if (Bolna.Calls.Count != count) Assert.Fail($"Bolna saw {Bolna.Calls.Count} dials, not {count}, by {DateTime.UtcNow:HH:mm:ss.fff}.\n{await StateAsync()}");
        return Bolna.Calls;
    }

    /// <summary>What a failed wait reports: the ledger's items and slot leases, and the node's last log lines.</summary>
    private async Task<string> StateAsync()
    {
        var text = new StringBuilder($"Items (clock {Clock.GetUtcNow():u}):\n");
        await using var connection = await Node.Services.GetRequiredService<LedgerDatabase>().OpenAsync();
        await using var items = connection.CreateCommand();
        items.CommandText = "SELECT id, campaign_id, status, attempts, execution_id, started_at, dial_unknown_at, held_until FROM queue_items ORDER BY id";
        await LedgerRows.AppendAsync(text, items, "  ");
        text.Append("Slot leases:\n");
        await using var leases = connection.CreateCommand();
        leases.CommandText = "SELECT * FROM slot_leases ORDER BY id";
        await LedgerRows.AppendAsync(text, leases, "  ");
        return text.Append("Node log:\n").Append(Node.Log.Last()).ToString();
    }

    public async ValueTask DisposeAsync()
    {
        Held.HangUpAll();
        User.Dispose();
        await Node.DisposeAsync();
        await Bolna.DisposeAsync();
        _data.Dispose();
    }
}
