using System.Net;
using System.Net.Http.Json;
using CallCampaigns.Integration.Tests.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CallCampaigns.Integration.Tests.Calls;

/// <summary>
/// The webhook inbox: a delivery answered 202 is applied once, whatever happens to the node that took it; calls whose
/// final webhook never came are completed from Bolna's record; bad deliveries are set aside without blocking others.
/// </summary>
public sealed class WebhookInboxTests
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(30);
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static object Campaign(params long[] contacts) => new
    {
        agentId = FakeBolna.AgentId,
        firstCallTime = "00:00",
        lastCallTime = "00:00",
        pacing = "asap",
        contactIds = contacts,
    };

    private static Action<JsonObject> Conversation(double seconds) => body =>
    {
        body["conversation_duration"] = seconds;
        body["total_cost"] = 7.5;
        body["transcript"] = "assistant: Hello\nuser: Hi";
        body["summary"] = "Asked for a call back.";
        body["extracted_data"] = new JsonObject { ["callback"] = true };
        body["telephony_data"]!["duration"] = $"{(int)seconds + 1}";
        body["telephony_data"]!["recording_url"] = "https://recordings.example/r.mp3";
    };

    [Fact]
    public async Task A_webhook_stored_by_a_node_killed_before_applying_it_is_applied_once_after_restart()
    {
        using var data = new TempFolder();
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ => [new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "in-progress"), new(TimeSpan.Zero, "call-disconnected"), new(TimeSpan.Zero, "completed", Conversation(20))];
        bolna.WebhookCopies = 2;
        var settings = new Dictionary<string, string>
        {
            ["Storage__DataPath"] = data.Path,
            ["Dialer__Mode"] = "Bolna",
            ["Bolna__ApiKey"] = bolna.ApiKey,
            ["Bolna__BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Auth__AdminKey"] = "admin-key",
            ["Bolna__WebhookSecret"] = "hook-secret",
        };

        // The first node stores webhooks but applies none (as if it always died right after answering 202).
        var storing = await NodeProcess.StartAsync(new Dictionary<string, string>(settings) { ["Engine__InboxAppliers"] = "0" });
        bolna.WebhookUrls.Add($"{storing.BaseUrl}api/webhooks/bolna?token=hook-secret");
        long campaignId, contactId;
        string key;
        using (var admin = new CampaignsClient(storing.BaseUrl, "admin-key"))
        using (var user = new CampaignsClient(storing.BaseUrl, key = await admin.CreateUserAsync("asha", 1)))
        {
            contactId = (await user.PostAsync("api/contacts", new { phoneNumber = "+14165550190" }, 201))["id"]!.GetValue<long>();
            campaignId = (await user.CreateCampaignAsync(Campaign(contactId)))["id"]!.GetValue<long>();
            await Eventually.HoldsAsync(() => bolna.Calls.Count == 1 && bolna.ActiveCalls == 0);
            await Task.Delay(300, Cancel); // the last deliveries' answers
            Assert.Equal("dialing", (string?)Assert.Single(await user.ListItemsAsync(campaignId))["status"]);
        }

        await storing.KillAsync();
        await using var restarted = await NodeProcess.StartAsync(settings);
        using var asha = new CampaignsClient(restarted.BaseUrl, key);
        var done = await asha.WaitForCampaignAsync(campaignId, c => (string?)c["status"] == "completed", Within);
        // The line's end completes the campaign; the call's final data ('completed') may be applied a moment later.
        await Eventually.HoldsAsync(async () => Assert.Single(await asha.ListItemsAsync(campaignId))["durationSeconds"] is not null);
        var item = Assert.Single(await asha.ListItemsAsync(campaignId));

        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
        Assert.Equal(20.0, item["durationSeconds"]!.GetValue<double>());
        Assert.Equal(1, (await asha.GetAsync($"api/contacts/{contactId}"))["successfulCalls"]!.GetValue<int>());
        Assert.Single(bolna.Calls);
    }

    [Fact]
    public async Task A_line_end_that_overtook_the_dials_answer_hands_its_slot_to_the_next_contact_once_the_answer_is_recorded_without_waiting_for_a_sweep()
    {
        using var data = new TempFolder();
        await using var bolna = await FakeBolna.StartAsync();
        bolna.Script = _ => [];
        await using var node = await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?>
        {
            ["Dialer:Mode"] = "Bolna",
            ["Bolna:ApiKey"] = bolna.ApiKey,
            ["Bolna:BaseUrl"] = bolna.BaseUrl.ToString(),
            ["Engine:InboxSweepPeriod"] = "01:00:00", // no sweep comes to the rescue: only the dial's answer applies it
        });
        var hook = new Uri($"{node.BaseUrl}api/webhooks/bolna?token={node.WebhookSecret}");
        using var http = new HttpClient();
        var first = true;
        // The first call's line ends (busy) and Bolna's webhook is stored (202) before Bolna answers the dial.
        bolna.BeforeAnswer = async call =>
        {
            if (!first) return;
            first = false;
            using var stored = await http.PostAsJsonAsync(hook, bolna.WebhookBody(call, "busy"), Cancel);
            Assert.Equal(HttpStatusCode.Accepted, stored.StatusCode);
        };
        using var admin = node.Admin();
        using var user = new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync("early", limit: 1));
        var contacts = await user.CreateContactsAsync(2);
        var campaign = (await user.CreateCampaignAsync(Campaign([.. contacts])))["id"]!.GetValue<long>();

        var deadline = DateTime.UtcNow + Within;
        while (bolna.Calls.Count < 2 && DateTime.UtcNow < deadline) await Task.Delay(20, Cancel);

        Assert.Equal(2, bolna.Calls.Count);
        var items = await user.ListItemsAsync(campaign);
        var ended = Assert.Single(items, i => i["contactId"]!.GetValue<long>() == contacts[0]);
        Assert.Equal("failed", (string?)ended["status"]);
        Assert.Equal("busy", (string?)ended["outcome"]);
    }

    [Fact]
    public async Task A_chunked_body_over_1_MB_is_refused_with_413_and_nothing_is_stored()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var http = new HttpClient();
        var before = await CountDeliveriesAsync(node);

        using var content = new StreamContent(new EndlessJson(20 << 20));
        content.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{node.BaseUrl}api/webhooks/bolna?token={node.WebhookSecret}") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        HttpStatusCode status;
        try
        {
            using var response = await http.SendAsync(request, Cancel);
            status = response.StatusCode;
        }
        catch (HttpRequestException e) when (e.StatusCode is null)
        {
            // The server answered before the client had sent its whole body and closed the connection: read it raw.
            status = await RawChunkedPostAsync(node, node.WebhookSecret);
        }

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal(before, await CountDeliveriesAsync(node));
    }

    [Fact]
    public async Task An_empty_token_in_the_URL_does_not_hide_the_secret_in_the_header()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{node.BaseUrl}api/webhooks/bolna?token=")
        {
            Content = JsonContent.Create(new { id = "not-ours", status = "ringing" }),
        };
        request.Headers.Add("X-Webhook-Token", node.WebhookSecret);

        using var response = await http.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task A_call_whose_completed_webhook_never_came_gets_its_final_data_from_Bolna_ten_minutes_after_the_line_ended()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.Script = _ =>
        [
            new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "in-progress"), new(TimeSpan.Zero, "call-disconnected"),
            new(TimeSpan.Zero, "completed", Conversation(31), Delivered: false),
        ];
        var contact = await node.ContactAsync("Ravi");
        var campaign = await node.CampaignAsync(Campaign(contact));
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["status"]!.GetValue<string>() == "completed");
        var ended = await node.ItemAsync(campaign, contact);
        Assert.Null(ended["durationSeconds"]);
        Assert.Null(ended["cost"]);

        node.Clock.Advance(TimeSpan.FromMinutes(9));
        await Task.Delay(1500, Cancel); // a heartbeat on the moved clock: too early to look
        Assert.Null((await node.ItemAsync(campaign, contact))["durationSeconds"]);
        node.Clock.Advance(TimeSpan.FromMinutes(2));
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["durationSeconds"] is not null);
        var item = await node.ItemAsync(campaign, contact);

        Assert.Equal(31.0, item["durationSeconds"]!.GetValue<double>());
        Assert.Equal(0.075m, item["cost"]!.GetValue<decimal>());
        Assert.Equal("Asked for a call back.", (string?)item["summary"]);
        Assert.Equal("https://recordings.example/r.mp3", (string?)item["recordingUrl"]);
        var person = await node.User.GetAsync($"api/contacts/{contact}");
        Assert.Equal(1, person["successfulCalls"]!.GetValue<int>());
        Assert.Equal("Asked for a call back.", (string?)person["lastTranscriptSummary"]);
    }

    [Fact]
    public async Task A_call_whose_in_progress_and_completed_webhooks_were_lost_is_a_success_once_Bolnas_record_shows_a_conversation()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.Script = _ =>
        [
            new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "in-progress", Delivered: false), new(TimeSpan.Zero, "call-disconnected"),
            new(TimeSpan.Zero, "completed", Conversation(12), Delivered: false),
        ];
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign(contact));
        await node.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", Within);
        Assert.Equal(1, (await node.User.GetCampaignAsync(campaign))["failedCalls"]!.GetValue<int>());

        node.Clock.Advance(TimeSpan.FromMinutes(11));
        var done = await node.User.WaitForCampaignAsync(campaign, c => c["successfulCalls"]!.GetValue<int>() == 1, Within);

        Assert.Equal(0, done["failedCalls"]!.GetValue<int>());
        Assert.Equal("completed", (await node.ItemAsync(campaign, contact))["status"]!.GetValue<string>());
        Assert.Equal(1, (await node.User.GetAsync($"api/contacts/{contact}"))["successfulCalls"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_call_found_live_by_a_look_up_whose_line_end_never_came_frees_its_slot_at_the_next_look_up_within_five_minutes()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        var ends = new TaskCompletionSource();
        node.Bolna.Script = _ =>
        [
            new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "in-progress"),
            new(TimeSpan.Zero, "call-disconnected", Until: ends.Task, Delivered: false),
            new(TimeSpan.Zero, "completed", Conversation(40), Delivered: false),
        ];
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign(contact));
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["status"]!.GetValue<string>() == "in-progress");

        // No news for longer than the shipped Engine__StaleCallAfter (15 min; only the engine's clock is the test's):
        // Bolna is asked, and the call is still live.
        node.Clock.Advance(TimeSpan.FromMinutes(16));
        await Eventually.HoldsAsync(() => node.Bolna.Lookups == 1);
        Assert.Equal("in-progress", (await node.ItemAsync(campaign, contact))["status"]!.GetValue<string>());

        // Its line ends, and the webhooks saying so are lost (they went to a node that died, say).
        ends.SetResult();
        using var bolna = new HttpClient { BaseAddress = node.Bolna.BaseUrl };
        await Eventually.HoldsAsync(async () => (await bolna.GetStringAsync($"executions/{node.Bolna.Calls[0].ExecutionId}", Cancel)).Contains("\"completed\"", StringComparison.Ordinal));
        node.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(5));
        var done = await node.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", Within);

        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
        Assert.Equal(40.0, (await node.ItemAsync(campaign, contact))["durationSeconds"]!.GetValue<double>());
    }

    [Fact]
    public async Task A_delivery_that_keeps_failing_is_set_aside_for_the_admin_and_the_deliveries_behind_it_still_apply()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        var ledger = node.Node.Services.GetRequiredService<LedgerDatabase>();
        await using (var connection = await ledger.OpenAsync(Cancel))
        {
            // A report the ledger refuses, whatever is tried: the call-disconnected of any call.
            await connection.ExecuteAsync(
                "CREATE TRIGGER poison BEFORE UPDATE ON call_attempts WHEN NEW.status = 'call-disconnected' BEGIN SELECT RAISE(ABORT, 'poisoned for the test'); END");
        }

        node.Bolna.Script = _ =>
        [
            new(TimeSpan.Zero, "ringing"), new(TimeSpan.Zero, "call-disconnected"),
            new(TimeSpan.FromMilliseconds(300), "completed", Conversation(8)),
        ];
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign(contact));
        using var admin = node.Node.Admin();
        for (var round = 0; round < 12 && (await admin.GetAsync("api/admin/webhooks/set-aside"))["total"]!.GetValue<int>() == 0; round++)
        {
            node.Clock.Advance(TimeSpan.FromMinutes(6)); // past any backoff
            await Task.Delay(1200, Cancel); // a sweep
        }

        var setAside = (await admin.GetAsync("api/admin/webhooks/set-aside"))["items"]!.AsArray();
        var poisoned = Assert.Single(setAside)!;
        Assert.Equal("call-disconnected", (string?)poisoned["status"]);
        Assert.Contains("poisoned for the test", (string?)poisoned["lastError"]);
        var done = await node.User.WaitForCampaignAsync(campaign, c => (string?)c["status"] == "completed", Within);
        Assert.Equal(1, done["successfulCalls"]!.GetValue<int>());
        Assert.Equal(8.0, (await node.ItemAsync(campaign, contact))["durationSeconds"]!.GetValue<double>());
    }

    [Fact]
    public async Task Applied_deliveries_are_deleted_after_30_days_and_deliveries_for_unknown_calls_after_7()
    {
        await using var node = await ScheduledNode.StartAsync(Noon);
        node.Bolna.Script = _ => FakeBolna.Answered(TimeSpan.FromMilliseconds(50));
        var contact = await node.ContactAsync();
        var campaign = await node.CampaignAsync(Campaign(contact));
        await Eventually.HoldsAsync(async () => (await node.ItemAsync(campaign, contact))["durationSeconds"] is not null); // the last webhook applied
        using var http = new HttpClient();
        (await http.PostAsJsonAsync($"{node.Node.BaseUrl}api/webhooks/bolna?token={node.Node.WebhookSecret}", new { id = "not-ours", status = "completed" }, Cancel)).Dispose();
        var retention = node.Node.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<CallCampaigns.Grains.Calls.LedgerRetention>().Single();
        var all = await CountDeliveriesAsync(node.Node);

        node.Clock.Advance(TimeSpan.FromDays(8));
        await retention.SweepAsync(Cancel);
        Assert.Equal(all - 1, await CountDeliveriesAsync(node.Node));
        node.Clock.Advance(TimeSpan.FromDays(23));
        await retention.SweepAsync(Cancel);
        Assert.Equal(0, await CountDeliveriesAsync(node.Node));
        Assert.Equal("completed", (string?)(await node.User.GetCampaignAsync(campaign))["status"]);
    }

    private static async Task<long> CountDeliveriesAsync(EmbeddedNode node)
    {
        await using var connection = await node.Services.GetRequiredService<LedgerDatabase>().OpenAsync(Cancel);
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM call_events");
    }



    /// <summary>Sends a chunked POST of 20 MB over a plain socket and reads the status line of the answer.</summary>
    private static async Task<HttpStatusCode> RawChunkedPostAsync(EmbeddedNode node, string secret)
    {
        using var client = new System.Net.Sockets.TcpClient();
        await client.ConnectAsync(node.BaseUrl.Host, node.BaseUrl.Port, Cancel);
        var stream = client.GetStream();
        var head = $"POST /api/webhooks/bolna?token={secret} HTTP/1.1\r\nHost: {node.BaseUrl.Authority}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), Cancel);
        var chunk = new byte[64 * 1024];
        Array.Fill(chunk, (byte)' ');
        var prefix = System.Text.Encoding.ASCII.GetBytes($"{chunk.Length:x}\r\n");
        try
        {
            for (var sent = 0; sent < 20 << 20; sent += chunk.Length)
            {
                await stream.WriteAsync(prefix, Cancel);
                await stream.WriteAsync(chunk, Cancel);
                await stream.WriteAsync("\r\n"u8.ToArray(), Cancel);
            }
        }
        catch (IOException)
        {
            // The server stopped reading; its answer is waiting.
        }

        var answer = new byte[64];
        var read = await stream.ReadAsync(answer, Cancel);
        var statusLine = System.Text.Encoding.ASCII.GetString(answer, 0, read);
        return (HttpStatusCode)int.Parse(statusLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A JSON object padded with spaces to <paramref name="length"/> bytes, produced as it is read.</summary>
    private sealed class EndlessJson(long length) : Stream
    {
        private long _position;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - _position);
            for (var i = 0; i < n; i++) buffer[offset + i] = _position + i == 0 ? (byte)'{' : (byte)' ';
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
