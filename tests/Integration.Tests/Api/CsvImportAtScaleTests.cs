using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using CallCampaigns.Domain.Campaigns;
using CallCampaigns.Ledger.Infrastructure;
using Dapper;
using Microsoft.Extensions.DependencyInjection;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>
/// CSV imports as lists are really used: the same numbers again into the next campaign after their contacts were
/// called, files of nothing but bad rows, formula cells, following an import while it runs, webhooks answered
/// meanwhile, and a node that dies mid-import.
/// </summary>
public sealed class CsvImportAtScaleTests(PostgresFixture postgres)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("sqlite")]
    [InlineData("postgres")]
    public async Task Known_numbers_imported_into_a_second_campaign_get_the_priority_their_contact_and_call_history_give(string ledger)
    {
        using var data = new TempFolder();
        await using var node = await StartAsync(ledger, data);
        using var user = await NewUserAsync(node);
        var first = new StringBuilder("name,phone_number,email,company\n");
        for (var i = 0; i < 40; i++)
        {
            first.Append(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? $"Person {i}" : "")},{Phone(i)},{(i % 3 == 0 ? $"p{i}@example.com" : "")},{(i % 5 == 0 ? "Acme" : "")}\n");
        }

        await ImportAsync(user, first.ToString());
        await using (var connection = await node.Services.GetRequiredService<LedgerDatabase>().OpenAsync(Cancel))
        {
            // Call history, as completed calls leave it: some connected, some not, some both.
            await connection.ExecuteAsync(
                "UPDATE contacts SET successful_calls = id % 6, not_connected_calls = CASE WHEN id % 4 = 0 THEN id % 3 ELSE 0 END");
        }

        // The same numbers without names, some bringing a company the contact lacks, and two new numbers.
        var again = new StringBuilder("phone_number,company\n");
        for (var i = 0; i < 42; i++) again.Append(CultureInfo.InvariantCulture, $"{Phone(i)},{(i % 7 == 0 ? "Globex" : "")}\n");
        var (status, body) = await ImportAsync(user, again.ToString());

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(42, body["import"]!["imported"]!.GetValue<int>());
        var contacts = (await user.GetAsync("api/contacts?pageSize=200"))["items"]!.AsArray().ToDictionary(c => (string)c!["phoneNumber"]!, c => c!);
        var items = await user.ListItemsAsync(body["campaign"]!["id"]!.GetValue<long>());
        Assert.Equal(42, items.Count);
        foreach (var item in items)
        {
            var contact = contacts[(string)item["phoneNumber"]!]!;
            var expected = Priority.Compute((string?)contact["name"], (string?)contact["email"], (string?)contact["company"],
                contact["successfulCalls"]!.GetValue<int>(), contact["notConnectedCalls"]!.GetValue<int>());
            Assert.Equal(expected, item["priority"]!.GetValue<int>());
        }

        Assert.Contains(items, i => i["priority"]!.GetValue<int>() > 120); // history counted
        Assert.Equal("Globex", (string?)contacts[Phone(7)]["company"]); // an empty field filled
        Assert.Equal("Acme", (string?)contacts[Phone(0)]["company"]); // a filled one kept

        // Dispatch order: priority descending, then file order; spread pacing gives each its time in that order.
        var inOrder = items.OrderByDescending(i => i["priority"]!.GetValue<int>()).ThenBy(i => Row(i)).ToArray();
        var times = inOrder.Select(i => CampaignsClient.Time(i["scheduledFor"])!.Value).ToArray();
        Assert.Equal(times.Order(), times);
        Assert.True(times[^1] > times[0]);
    }

    [Fact]
    public async Task A_file_of_nothing_but_bad_rows_is_summed_up_with_the_first_hundred_errors_and_every_row_in_errors_csv()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var user = await NewUserAsync(node);
        var csv = new StringBuilder("name,phone_number\n");
        const int rows = 12_345;
        for (var i = 1; i <= rows; i++) csv.Append(i % 10 == 0 ? "Someone,\n" : string.Create(CultureInfo.InvariantCulture, $"Someone,not a number {i}\n"));
        // Into an existing campaign: a new campaign with nobody to call is refused whole (400) instead.
        var (_, created) = await ImportAsync(user, "phone_number\n+14165550123\n");
        var campaignId = created["campaign"]!["id"]!.GetValue<long>();

        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv.ToString()));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var content = new MultipartFormDataContent { { file, "file", "bad.csv" } };
        using var response = await user.Http.PostAsync($"api/campaigns/{campaignId}/contacts/import", content, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var import = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;
        Assert.Equal(rows, import["totalRows"]!.GetValue<int>());
        Assert.Equal(0, import["imported"]!.GetValue<int>());
        Assert.Equal(rows, import["failed"]!.GetValue<int>());
        var errors = import["errors"]!.AsArray();
        Assert.Equal(Enumerable.Range(1, 100), errors.Select(e => e!["row"]!.GetValue<int>()));
        Assert.Equal("missing phone number", (string?)errors[9]!["reason"]);
        Assert.StartsWith("invalid phone number", (string?)errors[0]!["reason"]);
        var report = (await user.Http.GetStringAsync((string)import["errorReportUrl"]!, Cancel)).TrimEnd().Split('\n');
        Assert.Equal(rows + 1, report.Length);
        Assert.StartsWith($"{rows},", report[^1]);
        Assert.Equal(1, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Cells_a_spreadsheet_would_run_as_formulas_are_written_as_text_in_errors_csv()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var user = await NewUserAsync(node);
        var csv = "phone_number\n+14165550100\n\"=HYPERLINK(\"\"http://x\"\")\"\n@SUM(A1)\n-1+2\n+14165550100\n\"\tx\"\n";

        var (_, body) = await ImportAsync(user, csv);

        var report = await user.Http.GetStringAsync((string)body["import"]!["errorReportUrl"]!, Cancel);
        var lines = report.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.Equal("row,phone_number,reason", lines[0]);
        Assert.StartsWith("2,\"'=HYPERLINK(\"\"http://x\"\")\",", lines[1]);
        Assert.StartsWith("3,'@SUM(A1),", lines[2]);
        Assert.StartsWith("4,'-1+2,", lines[3]);
        Assert.StartsWith("5,'+14165550100,duplicate in file (first on row 1)", lines[4]);
        Assert.DoesNotContain(lines.Skip(1), l => l.Split(',')[1] is { Length: > 0 } cell && cell.TrimStart('"')[0] is '=' or '+' or '-' or '@' or '\t');
    }

    [Fact]
    public async Task A_new_campaigns_import_can_be_followed_from_its_start_to_its_summary()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var user = await NewUserAsync(node);
        const int rows = 60_000;
        var csv = new StringBuilder("name,phone_number\n");
        for (var i = 0; i < rows; i++) csv.Append(CultureInfo.InvariantCulture, $"Person {i},{Phone(i)}\n");

        var importing = ImportAsync(user, csv.ToString());
        var seen = new List<(string Status, int Rows)>();
        long? id = null;
        while (!importing.IsCompleted)
        {
            var running = (await user.GetAsync("api/imports?status=running"))["items"]!.AsArray();
            if (running.FirstOrDefault() is { } import)
            {
                id = import["importId"]!.GetValue<long>();
                Assert.Null(import["campaignId"]); // the campaign is created when the import joins
                seen.Add(((string)import["status"]!, import["totalRows"]!.GetValue<int>()));
            }

            await Task.Delay(10, Cancel);
        }

        var (status, body) = await importing;
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(id, body["import"]!["importId"]!.GetValue<long>());
        Assert.Contains(seen, s => s.Rows is > 0 and < rows);
        Assert.All(seen, s => Assert.Equal("running", s.Status));
        Assert.Equal(seen.Select(s => s.Rows).Order(), seen.Select(s => s.Rows));
        var done = await user.GetAsync($"api/imports/{id}");
        Assert.Equal("done", (string?)done["status"]);
        Assert.Equal(rows, done["totalRows"]!.GetValue<int>());
        Assert.Equal(rows, done["imported"]!.GetValue<int>());
        Assert.Equal(body["campaign"]!["id"]!.GetValue<long>(), done["campaignId"]!.GetValue<long>());
    }

    [Fact]
    public async Task Webhooks_are_answered_at_once_while_a_large_reimport_runs_on_the_embedded_ledger()
    {
        using var data = new TempFolder();
        await using var node = await EmbeddedNode.StartAsync(data.Path);
        using var user = await NewUserAsync(node);
        const int rows = 40_000;
        var named = new StringBuilder("name,phone_number\n");
        var bare = new StringBuilder("phone_number\n");
        for (var i = 0; i < rows; i++)
        {
            named.Append(CultureInfo.InvariantCulture, $"Person {i},{Phone(i)}\n");
            bare.Append(CultureInfo.InvariantCulture, $"{Phone(i)}\n");
        }

        await ImportAsync(user, named.ToString());
        using var hooks = new HttpClient { BaseAddress = node.BaseUrl, Timeout = TimeSpan.FromSeconds(60) };
        var answers = new List<(HttpStatusCode Status, TimeSpan Took)>();

        var importing = ImportAsync(user, bare.ToString());
        for (var i = 0; !importing.IsCompleted; i++)
        {
            using var webhook = new StringContent($$"""{"id":"unknown-during-import-{{i}}","status":"completed"}""", Encoding.UTF8, "application/json");
            var clock = Stopwatch.StartNew();
            using var response = await hooks.PostAsync($"api/webhooks/bolna?token={node.WebhookSecret}", webhook, Cancel);
            answers.Add((response.StatusCode, clock.Elapsed));
            await Task.Delay(20, Cancel);
        }

        var (status, body) = await importing;
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(rows, body["import"]!["imported"]!.GetValue<int>());
        Assert.True(answers.Count >= 5, $"only {answers.Count} webhooks were sent during the import");
        Assert.All(answers, a => Assert.True((int)a.Status is >= 200 and < 300, $"webhook answered {a.Status}"));
        // Before, the import held SQLite's write lock from its first row to its last: webhooks waited it out (30 s, then 500).
        Assert.True(answers.Max(a => a.Took) < TimeSpan.FromSeconds(3), $"slowest webhook answer {answers.Max(a => a.Took)}");
    }

    [Fact]
    public async Task A_node_killed_mid_import_shows_none_of_it_after_restart_and_takes_the_file_again()
    {
        using var data = new TempFolder();
        var environment = new Dictionary<string, string> { ["Storage__DataPath"] = data.Path, ["Auth__AdminKey"] = "kill-admin", ["Bolna__WebhookSecret"] = "kill" };
        const int rows = 300_000;
        var csv = new StringBuilder("name,phone_number\n");
        for (var i = 0; i < rows; i++) csv.Append(CultureInfo.InvariantCulture, $"Person {i},{Phone(i)}\n");
        string key;
        long id;
        await using (var node = await NodeProcess.StartAsync(environment))
        {
            using var admin = new CampaignsClient(node.BaseUrl, "kill-admin");
            key = await admin.CreateUserAsync("killed-import", limit: 2);
            using var user = new CampaignsClient(node.BaseUrl, key);
            var importing = ImportAsync(user, csv.ToString());
            while (true)
            {
                Assert.False(importing.IsCompleted, "the import ended before the node could be killed");
                var running = (await user.GetAsync("api/imports?status=running"))["items"]!.AsArray();
                if (running.FirstOrDefault() is { } import && import["totalRows"]!.GetValue<int>() > 0)
                {
                    id = import["importId"]!.GetValue<long>();
                    break;
                }

                await Task.Delay(10, Cancel);
            }

            await node.KillAsync();
            await Assert.ThrowsAnyAsync<Exception>(() => importing);
        }

        await using (var node = await NodeProcess.StartAsync(environment))
        {
            using var user = new CampaignsClient(node.BaseUrl, key);
            Assert.Equal("failed", (string?)(await user.GetAsync($"api/imports/{id}"))["status"]);
            Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
            Assert.Equal(0, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());

            var (status, body) = await ImportAsync(user, "name,phone_number\nAsha,+14165550100\n");
            Assert.Equal(HttpStatusCode.Created, status);
            Assert.Equal(1, body["import"]!["imported"]!.GetValue<int>());
            Assert.Equal(1, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
        }
    }

    private async Task<EmbeddedNode> StartAsync(string ledger, TempFolder data) =>
        ledger == "postgres"
            ? await EmbeddedNode.StartAsync(data.Path, new Dictionary<string, string?>
            {
                ["ConnectionStrings:Postgres"] = await postgres.CreateDatabaseAsync("csv"),
                ["Auth:AdminKey"] = "csv-admin",
                ["Bolna:WebhookSecret"] = "csv",
            })
            : await EmbeddedNode.StartAsync(data.Path);

    private static string Phone(int i) => string.Create(CultureInfo.InvariantCulture, $"+1416{2_000_000 + i}");

    private static long Row(JsonObject item) => long.Parse(((string)item["phoneNumber"]!)[5..], CultureInfo.InvariantCulture);

    private static async Task<(HttpStatusCode Status, JsonObject Body)> ImportAsync(CampaignsClient user, string csv)
    {
        var file = new ByteArrayContent(Encoding.UTF8.GetBytes(csv));
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        using var content = new MultipartFormDataContent { { file, "file", "contacts.csv" } };
        content.Add(new StringContent("sim-sales-agent"), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        content.Add(new StringContent(DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), "startDate");
        using var response = await user.Http.PostAsync("api/campaigns/import", content, Cancel);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!);
    }

    private static async Task<CampaignsClient> NewUserAsync(EmbeddedNode node)
    {
        using var admin = node.Admin();
        return new CampaignsClient(node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
    }
}
