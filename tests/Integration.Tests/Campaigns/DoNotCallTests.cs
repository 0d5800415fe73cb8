using System.Net;
using System.Net.Http.Json;
using CallCampaigns.Integration.Tests.Infrastructure;
using CallCampaigns.Ledger.Infrastructure;
using CallCampaigns.Ledger.Queue;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CallCampaigns.Integration.Tests.Campaigns;

/// <summary>
/// The do-not-call lists through HTTP, on SQLite and PostgreSQL, counted at the fake Bolna: a listed number is never
/// dialled, whenever it was added; adding one ends its queued items everywhere; an opt-out said in a call lists it.
/// </summary>
public sealed class DoNotCallTests(PostgresFixture postgres)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object Campaign(params long[] contacts) =>
        new { agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = contacts };

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_number_added_to_the_list_ends_its_queued_items_in_every_campaign_and_is_never_dialled(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        var priya = await run.ContactAsync("+14165550101");
        var first = await run.WaitingCampaignAsync(priya);
        var second = await run.WaitingCampaignAsync(priya);

        var entry = await run.User.PostAsync("api/suppressions", new { phoneNumber = "+1 416 555 0101", reason = "asked by email" }, 201);
        Assert.Equal(("+14165550101", "api", "asked by email"), ((string?)entry["phoneNumber"], (string?)entry["source"], (string?)entry["reason"]));

        foreach (var campaign in new[] { first, second })
        {
            var item = Assert.Single(await run.User.ListItemsAsync(campaign));
            Assert.Equal(("cancelled", "do-not-call"), ((string?)item["status"], (string?)item["outcome"]));
            Assert.Contains("+14165550101 is on your do-not-call list since", (string?)item["failureReason"], StringComparison.Ordinal);
            Assert.EndsWith("(api: asked by email)", (string?)item["failureReason"], StringComparison.Ordinal);
            // Nothing is left to call: the campaign is done at once, not when its window opens.
            var done = await run.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", Within);
            Assert.Equal(1, done["cancelledCalls"]!.GetValue<int>());
            Assert.Equal(1, (await run.User.GetAsync($"api/campaigns/{campaign}/analytics"))["outcomes"]!["do-not-call"]!.GetValue<int>());
        }

        Assert.Empty(run.Bolna.Calls);
        var listed = await run.User.GetAsync("api/suppressions?search=0101");
        Assert.Equal(1, listed["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_number_listed_after_its_item_was_planned_is_not_dialled_at_the_claim(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        var listed = await run.ContactAsync("+14165550102");
        var called = await run.ContactAsync("+14165550103");
        var campaign = await run.WaitingCampaignAsync(listed, called);
        // Straight into the ledger, as if added a moment before the claim by another node (the add's own ending of
        // queued items never saw this one): the dispatcher's gate and the claim still find it.
        await run.ListDirectlyAsync("+14165550102");

        await run.OpenAsync(campaign);
        await run.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", Within);

        Assert.Equal("+14165550103", Assert.Single(run.Bolna.Calls).RecipientPhoneNumber);
        var item = (await run.User.ListItemsAsync(campaign)).Single(i => (string?)i["phoneNumber"] == "+14165550102");
        Assert.Equal(("cancelled", "do-not-call"), ((string?)item["status"], (string?)item["outcome"]));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task The_claim_itself_refuses_a_listed_number_and_keeps_the_slot_free(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        var contact = await run.ContactAsync("+14165550104");
        var campaign = await run.WaitingCampaignAsync(contact);
        var itemId = Assert.Single(await run.User.ListItemsAsync(campaign))["id"]!.GetValue<long>();
        await run.ListDirectlyAsync("+14165550104");
        var database = run.Node.Services.GetRequiredService<LedgerDatabase>();
        await using (var connection = await database.OpenAsync())
        {
            await connection.ExecuteAsync(
                "INSERT INTO slot_leases (user_id, granted_at, expires_at) VALUES (@user, 0, @far)", new { user = run.UserId, far = long.MaxValue / 2 });
        }

        await using var read = await database.OpenAsync();
        var leaseId = await read.ExecuteScalarAsync<long>("SELECT id FROM slot_leases WHERE user_id = @user", new { user = run.UserId });
        var claim = await run.Node.Services.GetRequiredService<QueueStore>().ClaimAsync(campaign, itemId, leaseId, 1, long.MaxValue / 2);

        Assert.True(claim.IsOnDoNotCallList);
        Assert.Null(claim.Item);
        Assert.Null(await read.ExecuteScalarAsync<long?>("SELECT item_id FROM slot_leases WHERE id = @leaseId", new { leaseId }));
        Assert.Equal("do-not-call", await read.ExecuteScalarAsync<string>("SELECT outcome FROM queue_items WHERE id = @itemId", new { itemId }));
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task An_opt_out_said_in_a_call_lists_the_number_and_ends_its_items_in_the_other_campaigns(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        run.Bolna.Script = call => OptingOut(call.ExecutionId);
        var rosa = await run.ContactAsync("+14165550105");
        var later = await run.WaitingCampaignAsync(rosa);
        var now = (await run.User.CreateCampaignAsync(new { agentId = FakeBolna.AgentId, firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = new[] { rosa }, optOutField = "stop_calls" }))["id"]!.GetValue<long>();
        Assert.Equal("stop_calls", (string?)(await run.User.GetCampaignAsync(now))["optOutField"]);

        await run.User.WaitForCampaignAsync(now, c => (string?)c["status"] == "completed", Within);
        JsonNode? entry = null;
        await Eventually.HoldsAsync(async () => (entry = (await run.User.GetAsync("api/suppressions"))["items"]!.AsArray().SingleOrDefault()) is not null, Within);
        Assert.Equal("+14165550105", (string?)entry!["phoneNumber"]);
        Assert.Equal("call", (string?)entry["source"]);
        Assert.Equal($"opted out in call {Assert.Single(run.Bolna.Calls).ExecutionId}", (string?)entry["reason"]);
        var waiting = Assert.Single(await run.User.ListItemsAsync(later));
        Assert.Equal(("cancelled", "do-not-call"), ((string?)waiting["status"], (string?)waiting["outcome"]));
        Assert.Equal(0, (await run.User.GetCampaignAsync(later))["queuedCalls"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Another_users_list_is_invisible_and_without_effect_and_the_systems_list_applies_to_everyone(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        using var other = await run.NewUserAsync();
        await other.PostAsync("api/suppressions", new { phoneNumber = "+14165550106" }, 201);
        Assert.Equal(0, (await run.User.GetAsync("api/suppressions"))["total"]!.GetValue<int>());
        var mine = await run.ContactAsync("+14165550106");
        var campaign = (await run.User.CreateCampaignAsync(Campaign(mine)))["id"]!.GetValue<long>();
        await run.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", Within);
        Assert.Single(run.Bolna.Calls);

        using (var admin = run.Node.Admin())
        {
            var system = await admin.PostAsync("api/admin/suppressions", new { phoneNumber = "+14165550107", reason = "regulator" }, 201);
            Assert.Equal("admin", (string?)system["source"]);
        }

        var blocked = await run.ContactAsync("+14165550107");
        var second = (await run.User.CreateCampaignAsync(Campaign(blocked)))["id"]!.GetValue<long>();
        await run.User.WaitForCampaignAsync(second, c => (string?)c["status"] == "completed", Within);
        var item = Assert.Single(await run.User.ListItemsAsync(second));
        Assert.Equal("do-not-call", (string?)item["outcome"]);
        Assert.Contains("the system's do-not-call list", (string?)item["failureReason"], StringComparison.Ordinal);
        Assert.Single(run.Bolna.Calls);
        using var forbidden = await run.User.Http.GetAsync("api/admin/suppressions", Cancel);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Bad_numbers_repeats_and_unknown_entries_get_clear_errors(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        using var bad = await run.User.Http.PostAsJsonAsync("api/suppressions", new { phoneNumber = "not a number" }, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("phoneNumber", await bad.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        await run.User.PostAsync("api/suppressions", new { phoneNumber = "+14165550108" }, 201);
        using var again = await run.User.Http.PostAsJsonAsync("api/suppressions", new { phoneNumber = "+14165550108" }, Cancel);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        using var removed = await run.User.Http.DeleteAsync("api/suppressions/%2B14165550108", Cancel);
        Assert.Equal(HttpStatusCode.NoContent, removed.StatusCode);
        using var gone = await run.User.Http.DeleteAsync("api/suppressions/%2B14165550108", Cancel);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(0, (await run.User.GetAsync("api/suppressions"))["total"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task A_csv_of_numbers_with_bad_rows_lists_the_good_ones_and_ends_their_queued_items(string ledger)
    {
        await using var run = await Run.StartAsync(postgres, ledger);
        var waiting = await run.WaitingCampaignAsync(await run.ContactAsync("+14165550111"), await run.ContactAsync("+14165550112"));
        await run.User.PostAsync("api/suppressions", new { phoneNumber = "+14165550113" }, 201);
        const string File = "phone,reason\n+14165550110,moved away\nnot-a-number,x\n+14165550110,again\n+1 416 555 0111,\n,empty\n+14165550113,listed before\n";
        using var form = new MultipartFormDataContent { { new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(File)), "file", "dnc.csv" } };
        using var response = await run.User.Http.PostAsync("api/suppressions/import", form, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var summary = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;

        Assert.Equal((6, 2, 2, 2), (summary["totalRows"]!.GetValue<int>(), summary["imported"]!.GetValue<int>(), summary["skippedDuplicates"]!.GetValue<int>(), summary["failed"]!.GetValue<int>()));
        Assert.Equal([2, 5], summary["errors"]!.AsArray().Select(e => e!["row"]!.GetValue<int>()));
        using (var errors = await run.User.Http.GetAsync((string)summary["errorReportUrl"]!, Cancel))
        {
            Assert.Equal(HttpStatusCode.OK, errors.StatusCode);
            var lines = (await errors.Content.ReadAsStringAsync(Cancel)).ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
            Assert.Equal(3, lines.Length);
            Assert.Equal("row,phone_number,reason", lines[0]);
            Assert.StartsWith("2,not-a-number,", lines[1], StringComparison.Ordinal);
            Assert.Equal("5,,missing phone number", lines[2]);
        }

        using (var other = await run.NewUserAsync())
        using (var hidden = await other.Http.GetAsync((string)summary["errorReportUrl"]!, Cancel))
        {
            Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode); // another user's import is not theirs to read
        }

        var entries = (await run.User.GetAsync("api/suppressions"))["items"]!.AsArray().ToDictionary(e => (string)e!["phoneNumber"]!, e => e!);
        Assert.Equal(("import", "moved away"), ((string?)entries["+14165550110"]["source"], (string?)entries["+14165550110"]["reason"]));
        Assert.Equal(("import", null), ((string?)entries["+14165550111"]["source"], (string?)entries["+14165550111"]["reason"]));
        var items = (await run.User.ListItemsAsync(waiting)).ToDictionary(i => (string)i["phoneNumber"]!, i => (string?)i["outcome"]);
        Assert.Equal("do-not-call", items["+14165550111"]);
        Assert.Null(items["+14165550112"]);

        using var empty = new MultipartFormDataContent { { new ByteArrayContent("name\nAsha\n"u8.ToArray()), "file", "names.csv" } };
        using var refused = await run.User.Http.PostAsync("api/suppressions/import", empty, Cancel);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("No phone number column", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
    }

    private static IReadOnlyList<ScriptStep> OptingOut(string executionId) =>
    [
        new(TimeSpan.Zero, "ringing"),
        new(TimeSpan.Zero, "in-progress"),
        new(TimeSpan.FromMilliseconds(50), "call-disconnected"),
        new(TimeSpan.FromMilliseconds(20), "completed", body =>
        {
            body["conversation_duration"] = 12;
            body["extracted_data"] = new JsonObject { ["stop_calls"] = "Yes", ["interest"] = "none" };
        }),
    ];

    /// <summary>An embedded node on the ledger named, dialling the fake Bolna, and one user of limit 2.</summary>
    private sealed class Run : IAsyncDisposable
    {
        private readonly TempFolder _data;

        private Run(TempFolder data, FakeBolna bolna, EmbeddedNode node, CampaignsClient user, string userId) =>
            (_data, Bolna, Node, User, UserId) = (data, bolna, node, user, userId);

        public FakeBolna Bolna { get; }
        public EmbeddedNode Node { get; }
        public CampaignsClient User { get; }
        public string UserId { get; }

        public static async Task<Run> StartAsync(PostgresFixture postgres, string ledger)
        {
            var data = new TempFolder();
            var bolna = await FakeBolna.StartAsync();
            var settings = new Dictionary<string, string?>
            {
                ["Dialer:Mode"] = "Bolna",
                ["Bolna:ApiKey"] = bolna.ApiKey,
                ["Bolna:BaseUrl"] = bolna.BaseUrl.ToString(),
            };
            if (ledger == "postgres")
            {
                settings["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("dnc");
                settings["Auth:AdminKey"] = "dnc-admin";
                settings["Bolna:WebhookSecret"] = "dnc";
            }
            var node = await EmbeddedNode.StartAsync(data.Path, settings);
            bolna.WebhookUrls.Add($"{node.BaseUrl}api/webhooks/bolna?token={node.WebhookSecret}");
            var userId = $"u{Guid.NewGuid():N}"[..20];
            using var admin = node.Admin();
            return new Run(data, bolna, node, new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync(userId, limit: 2)), userId);
        }

        public async Task<CampaignsClient> NewUserAsync()
        {
            using var admin = Node.Admin();
            return new CampaignsClient(Node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
        }

        public async Task<long> ContactAsync(string phoneNumber) =>
            (await User.PostAsync("api/contacts", new { phoneNumber }, 201))["id"]!.GetValue<long>();

        /// <summary>An active campaign of these contacts whose window (UTC) opens in two hours: it dials nobody yet.</summary>
        public async Task<long> WaitingCampaignAsync(params long[] contacts)
        {
            var now = DateTime.UtcNow;
            return (await User.CreateCampaignAsync(new
            {
                agentId = FakeBolna.AgentId, timeZone = "UTC", pacing = "asap", contactIds = contacts,
                firstCallTime = now.AddHours(2).ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture),
                lastCallTime = now.AddHours(3).ToString("HH:00", System.Globalization.CultureInfo.InvariantCulture),
            }))["id"]!.GetValue<long>();
        }

        /// <summary>Opens the campaign's window all day: it dials what it may.</summary>
        public Task OpenAsync(long campaignId) =>
            User.SendAsync(HttpMethod.Patch, $"api/campaigns/{campaignId}", new { firstCallTime = "00:00", lastCallTime = "00:00" });

        public async Task ListDirectlyAsync(string phoneNumber)
        {
            await using var connection = await Node.Services.GetRequiredService<LedgerDatabase>().OpenAsync();
            await connection.ExecuteAsync(
                "INSERT INTO suppressions (user_id, phone_number, source, reason, created_at) VALUES (@UserId, @phoneNumber, 'api', NULL, 0)",
                new { UserId, phoneNumber });
        }

        public async ValueTask DisposeAsync()
        {
            User.Dispose();
            await Node.DisposeAsync();
            await Bolna.DisposeAsync();
            _data.Dispose();
        }
    }
}
