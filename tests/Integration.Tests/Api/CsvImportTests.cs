using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace CallCampaigns.Integration.Tests.Api;

/// <summary>CSV imports through HTTP: good files with every row outcome, and a corpus of bad files.</summary>
public sealed class CsvImportTests(EmbeddedNodeFixture fixture) : IClassFixture<EmbeddedNodeFixture>
{
    private EmbeddedNode Node => fixture.Node;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_file_builds_a_campaign_and_says_what_became_of_every_row()
    {
        using var user = await NewUserAsync();
        var csv = "\uFEFFName;Mobile;Email;Country;plan\n" +
                  "Asha;+919876543210;asha@example.com;;Pro\n" +
                  "Bob;12;;;Basic\n" +
                  "Cara;;;;\n" +
                  "Asha again;+91 98765 43210;;;\n" +
                  "Excel;9.19E+11;;;\n" +
                  "\"Rao, Priya\";020 7946 0958;;GB;\"multi\nline\"\n";

        var (status, body) = await ImportAsync(user, csv);

        Assert.Equal(HttpStatusCode.Created, status);
        var import = body["import"]!;
        Assert.Equal(6, import["totalRows"]!.GetValue<int>());
        Assert.Equal(2, import["imported"]!.GetValue<int>());
        Assert.Equal(1, import["skippedDuplicates"]!.GetValue<int>());
        Assert.Equal(3, import["failed"]!.GetValue<int>());
        var reasons = import["errors"]!.AsArray().ToDictionary(e => e!["row"]!.GetValue<int>(), e => (string)e!["reason"]!);
        Assert.StartsWith("invalid phone number", reasons[2]);
        Assert.Equal("missing phone number", reasons[3]);
        Assert.StartsWith("duplicate in file", reasons[4]);
        Assert.Contains("scientific notation", reasons[5]);
        Assert.Equal(2, body["campaign"]!["totalContacts"]!.GetValue<int>());

        var contacts = (await user.GetAsync("api/contacts?pageSize=200"))["items"]!.AsArray();
        var priya = contacts.Single(c => (string?)c!["name"] == "Rao, Priya")!;
        Assert.Equal("+442079460958", (string?)priya["phoneNumber"]);
        Assert.Equal("multi\nline", (string?)priya["customFields"]!["plan"]);

        var report = await user.Http.GetStringAsync((string)import["errorReportUrl"]!, Cancel);
        Assert.StartsWith("row,phone_number,reason", report);
        Assert.Equal(5, report.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task Bolnas_own_batch_file_imports_with_its_columns_passed_to_the_agent()
    {
        using var user = await NewUserAsync();
        var (status, body) = await ImportAsync(user, "contact_number,customer_name,plan,callback_reason\n+919876543210,Amitesh,Pro,Onboarding check-in\n+918765432109,Riya,Starter,Renewal reminder\n");

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(2, body["import"]!["imported"]!.GetValue<int>());
        var contact = (await user.GetAsync("api/contacts?search=9876543210"))["items"]![0]!;
        Assert.Equal("Amitesh", (string?)contact["customFields"]!["customer_name"]);
        Assert.Equal("Onboarding check-in", (string?)contact["customFields"]!["callback_reason"]);
    }

    [Fact]
    public async Task Importing_into_a_campaign_skips_contacts_already_in_it_and_reuses_known_contacts()
    {
        using var user = await NewUserAsync();
        var known = await user.PostAsync("api/contacts", new { phoneNumber = "+14165550177", email = "known@example.com" }, 201);
        var (_, created) = await ImportAsync(user, "phone\n+14165550178\n", scheduled: true);
        var id = created["campaign"]!["id"]!.GetValue<long>();

        using var content = File("phone_number\tname\n+14165550178\tAgain\n+14165550177\tKnown Person\n");
        using var response = await user.Http.PostAsync($"api/campaigns/{id}/contacts/import", content, Cancel);
        var summary = (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, summary["imported"]!.GetValue<int>());
        Assert.Equal(1, summary["skippedDuplicates"]!.GetValue<int>());
        Assert.Equal("already in this campaign", (string?)summary["errors"]![0]!["reason"]);
        var reused = await user.GetAsync($"api/contacts/{known["id"]}");
        Assert.Equal("Known Person", (string?)reused["name"]);
        Assert.Equal("known@example.com", (string?)reused["email"]);
        Assert.Equal(2, (await user.GetCampaignAsync(id))["totalContacts"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_large_import_into_a_campaign_reports_its_progress_on_the_campaigns_event_stream()
    {
        using var user = await NewUserAsync();
        var (_, created) = await ImportAsync(user, "phone\n+14165550300\n", scheduled: true);
        var id = created["campaign"]!["id"]!.GetValue<long>();
        var rows = new StringBuilder("phone_number,name\n");
        for (var i = 0; i < 12_000; i++) rows.Append(CultureInfo.InvariantCulture, $"+141655{i:D5},Person {i}\n");

        var subscribed = new TaskCompletionSource();
        var listening = user.ListenAsync(id, (kind, data) =>
        {
            subscribed.TrySetResult(); // the stream's first event comes once it has subscribed
            return kind == "import" && (string?)data["import"]!["phase"] == "done";
        }, TimeSpan.FromSeconds(60));
        await subscribed.Task.WaitAsync(TimeSpan.FromSeconds(30), Cancel);
        using var content = File(rows.ToString());
        using var response = await user.Http.PostAsync($"api/campaigns/{id}/contacts/import", content, Cancel);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var progress = (await listening).Where(e => e.Event == "import").Select(e => e.Data["import"]!).ToArray();
        Assert.Equal(["reading", "reading", "joining", "done"], progress.Select(p => (string?)p["phase"]));
        Assert.Equal([5_000, 10_000, 12_000, 12_000], progress.Select(p => p["rowsRead"]!.GetValue<int>()));
        Assert.Equal(12_000, progress[^1]["imported"]!.GetValue<int>());
    }

    public static TheoryData<string, byte[], string> BadFiles()
    {
        var data = new TheoryData<string, byte[], string>
        {
            { "binary", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0xFF, 0xFE], "not UTF-8 CSV text" },
            { "empty", [], "empty" },
            { "header only", Encoding.UTF8.GetBytes("name,phone_number\n"), "no rows" },
            { "no phone column", Encoding.UTF8.GetBytes("name,email\nAsha,a@b.c\n"), "No phone number column" },
            { "wrong delimiter", Encoding.UTF8.GetBytes("name|phone_number\nAsha|+14165550100\n"), "No phone number column" },
            { "not UTF-8", [.. Encoding.UTF8.GetBytes("name,phone\n"), 0xC3, 0x28, 0x0A], "not UTF-8" },
            { "over the size limit", OverLimit(), "larger than the limit" },
        };
        return data;
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task A_bad_file_is_refused_whole_with_a_clear_reason_and_nothing_written(string what, byte[] file, string reason)
    {
        using var user = await NewUserAsync();
        using var content = File(file);
        AddCampaignFields(content);

        using var response = await user.Http.PostAsync("api/campaigns/import", content, Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(Cancel), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, (await user.GetAsync("api/campaigns"))["total"]!.GetValue<int>());
        Assert.Equal(0, (await user.GetAsync("api/contacts"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Broken_quotes_and_a_huge_line_fail_their_rows_not_the_node()
    {
        using var user = await NewUserAsync();
        var huge = new string('x', 100_000);
        var csv = $"name,phone_number,notes\nGood,+14165550190,ok\nLong,+14165550191,{huge}\nBroken \"quote,+14165550192,x\n";

        var (status, body) = await ImportAsync(user, csv);

        Assert.Equal(HttpStatusCode.Created, status);
        var import = body["import"]!;
        Assert.True(import["imported"]!.GetValue<int>() >= 1);
        Assert.Equal(import["totalRows"]!.GetValue<int>(), import["imported"]!.GetValue<int>() + import["failed"]!.GetValue<int>() + import["skippedDuplicates"]!.GetValue<int>());
        Assert.Contains(import["errors"]!.AsArray(), e => ((string)e!["reason"]!).Contains("longer than", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("call-campaign-basic-template.csv", "name,phone_number,email,company,notes")]
    [InlineData("call-campaign-advanced-template.csv", "name,phone_number,email,company,notes,lead_score,last_interaction,industry,deal_size")]
    public async Task The_templates_are_served_without_a_key_and_import_cleanly(string name, string header)
    {
        using var anonymous = new HttpClient { BaseAddress = Node.BaseUrl };
        var template = await anonymous.GetStringAsync($"templates/{name}", Cancel);
        Assert.StartsWith(header, template);

        using var user = await NewUserAsync();
        var (status, body) = await ImportAsync(user, template);
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(0, body["import"]!["failed"]!.GetValue<int>());
    }

    private static byte[] OverLimit()
    {
        var row = Encoding.UTF8.GetBytes("Someone,+14165550100,note\n");
        var bytes = new byte[(50 << 20) + row.Length * 2];
        for (var at = 0; at + row.Length <= bytes.Length; at += row.Length) row.CopyTo(bytes, at);
        Encoding.UTF8.GetBytes("name,phone_number,notes\n").CopyTo(bytes, 0);
        return bytes;
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> ImportAsync(CampaignsClient user, string csv, bool scheduled = false)
    {
        using var content = File(csv);
        AddCampaignFields(content, scheduled);
        using var response = await user.Http.PostAsync("api/campaigns/import", content, Cancel);
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>(Cancel))!);
    }

    private static MultipartFormDataContent File(string csv) => File(Encoding.UTF8.GetBytes(csv));

    private static MultipartFormDataContent File(byte[] bytes)
    {
        var file = new ByteArrayContent(bytes);
        file.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return new MultipartFormDataContent { { file, "file", "contacts.csv" } };
    }

    private static void AddCampaignFields(MultipartFormDataContent content, bool scheduled = false)
    {
        content.Add(new StringContent("sim-sales-agent"), "agentId");
        content.Add(new StringContent("09:00"), "firstCallTime");
        content.Add(new StringContent("17:00"), "lastCallTime");
        if (scheduled) content.Add(new StringContent(DateTime.UtcNow.AddDays(2).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)), "startDate");
    }

    private async Task<CampaignsClient> NewUserAsync()
    {
        using var admin = Node.Admin();
        return new CampaignsClient(Node.BaseUrl, await admin.CreateUserAsync($"u{Guid.NewGuid():N}"[..20], limit: 2));
    }
}
