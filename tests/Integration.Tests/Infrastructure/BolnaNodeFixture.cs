using System.Collections.Concurrent;

namespace CallCampaigns.Integration.Tests.Infrastructure;

/// <summary>
/// An embedded node that dials the fake Bolna, shared by a class's tests. Each test uses its own user and
/// numbers, and says per number how Bolna answers (<see cref="Scripts"/>, <see cref="Refusals"/>).
/// </summary>
public sealed class BolnaNodeFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();
    private int _users;
    private int _numbers;

    public FakeBolna Bolna { get; private set; } = null!;

    public EmbeddedNode Node { get; private set; } = null!;

    public ConcurrentDictionary<string, Func<ReceivedCall, IReadOnlyList<ScriptStep>>> Scripts { get; } = new();

    public ConcurrentDictionary<string, Func<int?>> Refusals { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Bolna = await FakeBolna.StartAsync();
        Bolna.Script = call => Scripts.TryGetValue(call.RecipientPhoneNumber, out var script) ? script(call) : FakeBolna.Answered(TimeSpan.FromMilliseconds(100));
        Bolna.RefuseWith = call => Refusals.TryGetValue(call.RecipientPhoneNumber, out var refuse) ? refuse() : null;
        Node = await EmbeddedNode.StartAsync(_data.Path, new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = Bolna.ApiKey,
            ["Bolna:BaseUrl"] = Bolna.BaseUrl.ToString(),
            ["Bolna:DialTimeout"] = "00:00:02",
            ["Engine:UnknownDialCheckAfter"] = "00:00:01",
            ["Engine:HeartbeatPeriod"] = "00:00:00.200",
        });
        Bolna.WebhookUrls.Add(WebhookUrl);
    }

    public string WebhookUrl => $"{Node.BaseUrl}api/webhooks/bolna?token={Node.WebhookSecret}";

    /// <summary>A new user with <paramref name="contacts"/> contacts of fresh numbers.</summary>
    public async Task<(CampaignsClient Client, long[] Contacts, string[] Numbers)> NewUserAsync(int contacts = 1, int limit = 1)
    {
        using var admin = Node.Admin();
        var client = new CampaignsClient(Node.BaseUrl, await admin.CreateUserAsync($"user{Interlocked.Increment(ref _users)}", limit));
        var first = Interlocked.Add(ref _numbers, contacts) - contacts;
        var ids = await client.CreateContactsAsync(contacts, numberBase: first);
        return (client, ids, Enumerable.Range(first, contacts).Select(n => $"+1416555{n:D4}").ToArray());
    }

    public static object Campaign(long[] contacts, object? retry = null) => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = "00:00",
        lastCallTime = "00:00",
        pacing = "asap",
        retry,
        contactIds = contacts,
    };

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        await Bolna.DisposeAsync();
        _data.Dispose();
    }
}
