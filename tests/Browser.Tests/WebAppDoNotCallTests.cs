using System.Globalization;
using System.Text;

namespace CallCampaigns.Browser.Tests;

/// <summary>The do-not-call lists in the web app: the user's own, the admin's system list, and the campaign's opt-out field.</summary>
public sealed partial class WebAppTests
{
    [Fact]
    public async Task A_number_is_added_with_a_reason_and_listed_with_its_source_and_date_then_found_and_removed()
    {
        var (_, key, client) = await app.NewUserAsync();
        var page = await app.OpenAsync(key);
        await Nav(page, "Do not call").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Do not call", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("Numbers on it are never called by any of your campaigns. Adding one cancels its waiting calls at once")).ToBeVisibleAsync();
        await client.PostAsync("api/suppressions", new { phoneNumber = "+14165550132", reason = "moved away" }, 201);

        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add number" }).ClickAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Add a number" });
        await Expect(form.GetByLabel("Phone number")).ToBeFocusedAsync();
        await form.GetByLabel("Phone number").FillAsync("+1 416 555 0131");
        await form.GetByLabel("Reason (optional)").FillAsync("asked by email");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add to the list" }).ClickAsync();
        await Expect(page.GetByText("+14165550131 is on the list; its waiting calls are cancelled.")).ToBeVisibleAsync();

        var rows = page.Locator(".dnc-table tbody tr");
        await Expect(rows).ToHaveCountAsync(2);
        var added = rows.Filter(new() { HasText = "+14165550131" });
        await Expect(added.Locator(".dnc-reason")).ToHaveTextAsync("asked by email");
        await Expect(added.Locator(".dnc-source")).ToHaveTextAsync("added here");
        var createdAt = (await client.GetAsync("api/suppressions?search=0131"))["items"]![0]!["createdAt"]!.GetValue<DateTime>();
        var day = await page.EvaluateAsync<string>(
            "iso => new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', year: 'numeric' }).format(new Date(iso))",
            createdAt.ToString("O", CultureInfo.InvariantCulture));
        await Expect(added.Locator("time")).ToHaveTextAsync(day);
        await WebAppFixture.ScreenshotAsync(page, "13-do-not-call-list");

        await form.GetByLabel("Phone number").FillAsync("12ab");
        await form.GetByLabel("Phone number").PressAsync("Enter");
        await Expect(form.Locator("[data-field=phoneNumber] .field-error")).ToContainTextAsync("Invalid phone number");
        await Expect(form.GetByLabel("Phone number")).ToHaveAttributeAsync("aria-invalid", "true");
        await WebAppFixture.ScreenshotAsync(page, "14-do-not-call-bad-number");
        await form.GetByLabel("Phone number").FillAsync("+14165550131");
        await form.GetByLabel("Phone number").PressAsync("Enter");
        await Expect(form.Locator(".alert-error")).ToContainTextAsync("+14165550131 is already on the list.");

        await page.GetByLabel("Search the list").FillAsync("moved");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("+14165550132");
        await page.GetByLabel("Search the list").FillAsync("0131");
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("+14165550131");
        await page.GetByLabel("Search the list").FillAsync("");
        await Expect(rows).ToHaveCountAsync(2);

        await page.GetByRole(AriaRole.Button, new() { Name = "Remove +14165550132" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "Remove +14165550132?" });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
        await Expect(rows).ToHaveCountAsync(1);
        await Expect(rows.First).ToContainTextAsync("+14165550131");
        Assert.Equal(1, (await client.GetAsync("api/suppressions"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_csv_of_numbers_shows_what_was_added_what_was_already_listed_and_the_refused_rows()
    {
        var (_, key, client) = await app.NewUserAsync();
        await client.PostAsync("api/suppressions", new { phoneNumber = "+14165550143" }, 201);
        var page = await app.OpenAsync(key);
        await page.GotoAsync("/#/do-not-call");
        await page.GetByRole(AriaRole.Button, new() { Name = "⇪ Import CSV" }).ClickAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Import numbers from a CSV" });

        await form.GetByLabel("CSV file").SetInputFilesAsync(Csv("no-phone.csv", "name\nAsha\n"));
        await form.GetByRole(AriaRole.Button, new() { Name = "Import numbers" }).ClickAsync();
        await Expect(form.Locator("[data-field=file] .field-error")).ToContainTextAsync("No phone number column");

        var csv = new StringBuilder()
            .AppendLine("phone_number,reason")
            .AppendLine("+14165550141,asked by email")
            .AppendLine("+14165550142,")
            .AppendLine("+14165550141,the same again")
            .AppendLine("not-a-number,")
            .AppendLine(",no number")
            .AppendLine("+14165550143,listed before")
            .ToString();
        await form.GetByLabel("CSV file").SetInputFilesAsync(Csv("opted-out.csv", csv));
        await form.GetByRole(AriaRole.Button, new() { Name = "Import numbers" }).ClickAsync();

        var summary = form.Locator(".dnc-import-summary");
        await Expect(summary.GetByRole(AriaRole.Heading, new() { Name = "Import summary" })).ToBeVisibleAsync();
        await Expect(summary).ToContainTextAsync("6 rows read.");
        await Expect(summary.Locator(".figure-success .figure-value")).ToHaveTextAsync("2");
        await Expect(summary.Locator(".figure-warn .figure-value")).ToHaveTextAsync("2");
        await Expect(summary.Locator(".figure-warn")).ToContainTextAsync("already listed or repeated");
        await Expect(summary.Locator(".figure-danger .figure-value")).ToHaveTextAsync("2");
        var refused = summary.Locator(".errors-table tbody tr");
        await Expect(refused).ToHaveCountAsync(2);
        await Expect(refused.Nth(0).Locator("td").First).ToHaveTextAsync("4");
        await Expect(refused.Nth(0)).ToContainTextAsync("invalid phone number");
        await Expect(refused.Nth(1).Locator("td").First).ToHaveTextAsync("5");
        await Expect(refused.Nth(1)).ToContainTextAsync("missing phone number");
        var download = await page.RunAndWaitForDownloadAsync(() => summary.GetByRole(AriaRole.Button, new() { Name = "Download error report" }).ClickAsync());
        var report = (await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("row,phone_number,reason", report[0].TrimEnd('\r'));
        Assert.Equal("5,,missing phone number", Assert.Single(report, line => line.StartsWith("5,", StringComparison.Ordinal)).TrimEnd('\r'));
        Assert.Equal(3, report.Length);

        var rows = page.Locator(".dnc-table tbody tr");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(rows.Filter(new() { HasText = "+14165550141" }).Locator(".dnc-source")).ToHaveTextAsync("imported");
        await Expect(rows.Filter(new() { HasText = "+14165550141" }).Locator(".dnc-reason")).ToHaveTextAsync("asked by email");
        await WebAppFixture.ScreenshotAsync(page, "15-do-not-call-import-summary");
        Assert.Equal(3, (await client.GetAsync("api/suppressions"))["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_waiting_contact_whose_number_is_added_shows_its_call_cancelled_on_the_do_not_call_list()
    {
        var (_, key, client) = await app.NewUserAsync();
        var contact = await client.PostAsync("api/contacts", new { name = "Priya Nair", phoneNumber = "+14165550151" }, 201);
        var id = (await client.CreateCampaignAsync(WaitingCampaign("Later today", contact["id"]!.GetValue<long>())))["id"]!.GetValue<long>();
        var page = await app.OpenAsync(key);
        await page.GotoAsync($"/#/campaigns/{id}");
        await Expect(page.Locator(".queue-table tbody tr", new() { HasText = "Priya Nair" })).ToHaveCountAsync(1);

        await Nav(page, "Do not call").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add number" }).ClickAsync();
        var form = page.GetByRole(AriaRole.Form, new() { Name = "Add a number" });
        await form.GetByLabel("Phone number").FillAsync("+14165550151");
        await form.GetByLabel("Reason (optional)").FillAsync("asked on the phone");
        await form.GetByRole(AriaRole.Button, new() { Name = "Add to the list" }).ClickAsync();
        await Expect(page.Locator(".dnc-table tbody tr")).ToHaveCountAsync(1);

        await page.GotoAsync($"/#/campaigns/{id}");
        var call = page.Locator(".calls-table tbody tr", new() { HasText = "Priya Nair" });
        await Expect(call.Locator(".badge")).ToHaveTextAsync("cancelled");
        await Expect(call.Locator(".reason-do-not-call .reason-code")).ToHaveTextAsync("on the do-not-call list");
        await Expect(call.Locator(".reason-do-not-call .reason-text")).ToContainTextAsync("+14165550151 is on your do-not-call list");
        await Expect(page.GetByText("Nobody is waiting")).ToBeVisibleAsync();
        await WebAppFixture.ScreenshotAsync(page, "16-call-cancelled-on-the-do-not-call-list");
    }

    [Fact]
    public async Task The_admin_adds_a_number_to_the_system_list_and_it_ends_every_users_waiting_call_to_it()
    {
        const string number = "+14165557770";
        var (_, _, client) = await app.NewUserAsync();
        var contact = await client.PostAsync("api/contacts", new { name = "Sam Lee", phoneNumber = number }, 201);
        var id = (await client.CreateCampaignAsync(WaitingCampaign("Someone else's", contact["id"]!.GetValue<long>())))["id"]!.GetValue<long>();
        try
        {
            var page = await app.OpenAsync(WebAppFixture.AdminKey);
            await Nav(page, "Do not call").ClickAsync();
            await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "System do-not-call list", Level = 1 })).ToBeVisibleAsync();
            await Expect(page.GetByText("Numbers on this list are never called by anyone's campaigns.")).ToBeVisibleAsync();

            await page.GetByRole(AriaRole.Button, new() { Name = "+ Add number" }).ClickAsync();
            var form = page.GetByRole(AriaRole.Form, new() { Name = "Add a number" });
            await form.GetByLabel("Phone number").FillAsync(number);
            await form.GetByLabel("Reason (optional)").FillAsync("regulator's list");
            await form.GetByRole(AriaRole.Button, new() { Name = "Add to the list" }).ClickAsync();
            var row = page.Locator(".dnc-table tbody tr", new() { HasText = number });
            await Expect(row.Locator(".dnc-source")).ToHaveTextAsync("system list");
            await Expect(row.Locator(".dnc-reason")).ToHaveTextAsync("regulator's list");
            await WebAppFixture.ScreenshotAsync(page, "17-admin-system-do-not-call-list");

            var item = Assert.Single(await client.ListItemsAsync(id));
            Assert.Equal(("cancelled", "do-not-call"), ((string?)item["status"], (string?)item["outcome"]));
            Assert.Contains("system's do-not-call list", (string?)item["failureReason"], StringComparison.Ordinal);

            await row.GetByRole(AriaRole.Button, new() { Name = $"Remove {number}" }).ClickAsync();
            await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Remove" }).ClickAsync();
            await Expect(row).ToHaveCountAsync(0);
            Assert.Equal(0, (await app.Admin.GetAsync($"api/admin/suppressions?search={number[1..]}"))["total"]!.GetValue<int>());
        }
        finally
        {
            (await app.Admin.Http.DeleteAsync($"api/admin/suppressions/{Uri.EscapeDataString(number)}")).Dispose(); // 404 when removed above
        }
    }

    [Fact]
    public async Task The_campaign_forms_opt_out_field_is_saved_on_create_and_edit_and_sent_only_when_changed()
    {
        var (_, key, client) = await app.NewUserAsync();
        await client.PostAsync("api/contacts", new { name = "Lena Berg", phoneNumber = "+14165550161" }, 201);
        var page = await app.OpenAsync(key);
        await Nav(page, "Contacts").ClickAsync();
        await page.GetByLabel("Select every contact on this page").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign (1)" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New campaign" });
        await dialog.GetByLabel("Campaign name").FillAsync("Opt-out keyed");
        // A window (UTC) that opens in one to two hours: the campaign waits, so its settings stay editable.
        var now = DateTime.UtcNow;
        await dialog.GetByLabel("First call time").FillAsync(now.AddHours(2).ToString("HH:00", CultureInfo.InvariantCulture));
        await dialog.GetByLabel("Last call time").FillAsync(now.AddHours(3).ToString("HH:00", CultureInfo.InvariantCulture));
        await dialog.GetByLabel("Time zone", new() { Exact = true }).FillAsync("UTC");
        await dialog.GetByText("Advanced: opt-out field").ClickAsync();
        await Expect(dialog.GetByLabel("Opt-out field")).ToHaveValueAsync("do_not_call");
        await Expect(dialog.GetByText("The key in your Bolna agent's extracted data that means \"do not call me again\"")).ToBeVisibleAsync();
        await dialog.GetByLabel("Opt-out field").FillAsync("asked_not_to_call");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create Campaign" }).ClickAsync();

        var head = page.Locator(".detail-head");
        await Expect(head.GetByRole(AriaRole.Heading, new() { Name = "Opt-out keyed", Level = 1 })).ToBeVisibleAsync();
        var id = long.Parse(page.Url.Split('/')[^1], CultureInfo.InvariantCulture);
        Assert.Equal("asked_not_to_call", (await client.GetCampaignAsync(id))["optOutField"]!.GetValue<string>());

        var settings = page.Locator("#settings");
        var optOut = settings.GetByLabel("Opt-out field");
        await Expect(optOut).ToBeVisibleAsync(); // not the default: shown open
        await Expect(optOut).ToHaveValueAsync("asked_not_to_call");
        await settings.GetByLabel("Campaign name").FillAsync("Opt-out keyed, renamed");
        var rename = await page.RunAndWaitForRequestAsync(
            () => settings.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync(), r => r.Method == "PATCH");
        Assert.DoesNotContain("optOutField", rename.PostData ?? "", StringComparison.Ordinal);
        await Expect(head.GetByRole(AriaRole.Heading, new() { Name = "Opt-out keyed, renamed", Level = 1 })).ToBeVisibleAsync();

        await optOut.FillAsync("no calls please");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(settings.Locator("[data-field=optOutField] .field-error")).ToContainTextAsync("up to 100 letters, digits, '_', '-' or '.'");
        await optOut.FillAsync("dnc.requested");
        var saved = await page.RunAndWaitForResponseAsync(
            () => settings.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync(), r => r.Request.Method == "PATCH");
        Assert.Equal(200, saved.Status);
        await Expect(settings.GetByLabel("Opt-out field")).ToHaveValueAsync("dnc.requested");
        Assert.Equal("dnc.requested", (await client.GetCampaignAsync(id))["optOutField"]!.GetValue<string>());
        await WebAppFixture.ScreenshotAsync(page, "18-campaign-opt-out-field");
    }

    private static FilePayload Csv(string name, string text) => new() { Name = name, MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(text) };

    /// <summary>A campaign whose window (UTC) opens in one to two hours: its contacts wait in the queue at any hour.</summary>
    private static object WaitingCampaign(string name, params long[] contacts)
    {
        var now = DateTime.UtcNow;
        return new
        {
            name, agentId = "sim-sales-agent", timeZone = "UTC", pacing = "asap", contactIds = contacts,
            firstCallTime = now.AddHours(2).ToString("HH:00", CultureInfo.InvariantCulture),
            lastCallTime = now.AddHours(3).ToString("HH:00", CultureInfo.InvariantCulture),
        };
    }
}
