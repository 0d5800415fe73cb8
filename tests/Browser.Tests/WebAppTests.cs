using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace CallCampaigns.Browser.Tests;

/// <summary>
/// The web app as a person uses it, in headless Chromium against a real node whose simulator places the calls.
/// The tests run one after another (one class): each signs in as a new user of its own.
/// </summary>
public sealed partial class WebAppTests(WebAppFixture app) : IClassFixture<WebAppFixture>
{
    [Fact]
    public async Task A_new_user_signs_in_and_creates_a_campaign_from_chosen_contacts()
    {
        var (_, key, client) = await app.NewUserAsync(limit: 3);
        await client.PostAsync("api/contacts", new { name = "Asha Rao", phoneNumber = "+14165550101", company = "Acme" }, 201);
        await client.PostAsync("api/contacts", new { name = "<b>Ben</b> & <script>co</script>", phoneNumber = "+14165550102" }, 201);
        var page = await app.OpenAsync();

        await Expect(page.GetByLabel("API key")).ToBeFocusedAsync();
        await WebAppFixture.ScreenshotAsync(page, "00-sign-in");
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByLabel("API key").PressAsync("Enter");
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Call Campaigns", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.GetByText("No active campaigns")).ToBeVisibleAsync();
        await WebAppFixture.ScreenshotAsync(page, "00-first-dashboard");

        await Nav(page, "Contacts").ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add contact" }).ClickAsync();
        var addForm = page.Locator("form.add-contact");
        await addForm.GetByLabel("Name", new() { Exact = true }).FillAsync("Chen Wei");
        await addForm.GetByLabel("Phone number").FillAsync("+14165550103");
        await addForm.GetByLabel("Phone number").PressAsync("Enter");
        await Expect(page.Locator(".contacts-table tbody tr")).ToHaveCountAsync(3);
        await Expect(page.GetByText("<b>Ben</b> & <script>co</script>")).ToBeVisibleAsync(); // shown as text, not markup

        await page.GetByLabel("Select every contact on this page").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign (3)" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New campaign" });
        await Expect(dialog.GetByText("Calls will be spread evenly within the window; your concurrency limit: 3")).ToBeVisibleAsync();
        await Expect(dialog.GetByLabel("Agent", new() { Exact = true })).ToHaveValueAsync("sim-sales-agent");
        await Expect(dialog.GetByLabel("Campaign name")).Not.ToHaveValueAsync("");
        await dialog.GetByLabel("Campaign name").FillAsync("October Leads");
        await dialog.GetByLabel("Next action").FillAsync("Offer a demo next week");
        await dialog.GetByLabel("First call time").FillAsync("00:00");
        await dialog.GetByLabel("Last call time").FillAsync("00:00");
        await dialog.GetByText("As fast as possible").ClickAsync();
        await WebAppFixture.ScreenshotAsync(page, "01-new-campaign-modal");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create Campaign" }).ClickAsync();

        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "October Leads", Level = 1 })).ToBeVisibleAsync();
        await Expect(page.Locator(".summary .progress-text")).ToContainTextAsync("/3)");
        var created = (await client.GetAsync("api/campaigns")).ToJsonString();
        Assert.Contains("October Leads", created, StringComparison.Ordinal);
        Assert.Contains("Offer a demo next week", created, StringComparison.Ordinal);
        await WebAppFixture.ScreenshotAsync(page, "01-campaign-from-contacts");
    }

    [Fact]
    public async Task A_campaign_from_a_csv_shows_its_import_summary_and_error_report()
    {
        var (_, key, _) = await app.NewUserAsync();
        var page = await app.OpenAsync(key);
        await Nav(page, "Import CSV").ClickAsync();
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Basic template" })).ToHaveAttributeAsync("href", "/templates/call-campaign-basic-template.csv");
        await Expect(page.GetByRole(AriaRole.Link, new() { Name = "Advanced template" })).ToHaveAttributeAsync("href", "/templates/call-campaign-advanced-template.csv");

        // A file that is not the right kind is refused whole, and the API's reason is shown at the drop zone.
        await page.Locator("#csv-file").SetInputFilesAsync(new FilePayload { Name = "empty.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes("name,phone_number\n") });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and create campaign" }).ClickAsync();
        await Expect(page.Locator(".dropzone .field-error")).ToHaveTextAsync("The file has a header but no rows.");
        await Expect(page.Locator(".import-form .alert-error")).ToBeVisibleAsync();

        var csv = new StringBuilder()
            .AppendLine("name,phone_number,email,company,notes")
            .AppendLine("Asha Rao,+14165550201,asha@example.com,Acme,first")
            .AppendLine("Ben Ode,+14165550202,,,")
            .AppendLine("Ben again,+14165550202,,,same number")
            .AppendLine("Nobody,not-a-number,,,")
            .AppendLine("No phone,,,,")
            .ToString();
        await page.Locator("#csv-file").SetInputFilesAsync(new FilePayload { Name = "october-leads.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv) });
        await Expect(page.Locator(".drop-file")).ToContainTextAsync("october-leads.csv");
        await page.GetByLabel("First call time").FillAsync("00:00");
        await page.GetByLabel("Last call time").FillAsync("00:00");
        await page.GetByLabel("Call in each contact's local time").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and create campaign" }).ClickAsync();

        var summary = page.Locator(".import-summary");
        await Expect(summary.GetByRole(AriaRole.Heading, new() { Name = "Import summary" })).ToBeVisibleAsync();
        await Expect(summary.Locator(".figure-success .figure-value")).ToHaveTextAsync("2");
        await Expect(summary.Locator(".figure-warn .figure-value")).ToHaveTextAsync("1");
        await Expect(summary.Locator(".figure-danger .figure-value")).ToHaveTextAsync("2");
        await Expect(summary.Locator(".errors-table tbody tr")).ToHaveCountAsync(3);
        await Expect(summary.Locator(".errors-table")).ToContainTextAsync("missing phone number");

        var download = await page.RunAndWaitForDownloadAsync(() => summary.GetByRole(AriaRole.Button, new() { Name = "Download error report" }).ClickAsync());
        var report = await File.ReadAllTextAsync((await download.PathAsync())!, TestContext.Current.CancellationToken);
        Assert.StartsWith("row,phone_number,reason", report, StringComparison.Ordinal);
        Assert.Contains("missing phone number", report, StringComparison.Ordinal);
        Assert.Equal(4, report.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        await WebAppFixture.ScreenshotAsync(page, "02-csv-import-summary");

        await summary.GetByRole(AriaRole.Link, new() { Name = "Open" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Level = 1 })).ToContainTextAsync("october-leads");
        await Expect(page.Locator(".detail-head")).ToContainTextAsync("Window 00:00–00:00 in each contact's local time");
    }

    [Fact]
    public async Task A_large_csv_shows_a_bar_for_its_upload_then_for_the_rows_read_then_its_summary()
    {
        var (_, key, _) = await app.NewUserAsync();
        var page = await app.OpenAsync(key);
        await Nav(page, "Import CSV").ClickAsync();
        var csv = new StringBuilder("name,phone_number\n");
        for (var i = 0; i < 80_000; i++) csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"Person {i},+1416{3_000_000 + i}\n");
        await page.Locator("#csv-file").SetInputFilesAsync(new FilePayload { Name = "big-list.csv", MimeType = "text/csv", Buffer = Encoding.UTF8.GetBytes(csv.ToString()) });
        await page.GetByRole(AriaRole.Button, new() { Name = "Upload and create campaign" }).ClickAsync();

        var progress = page.Locator(".import-progress[data-phase=processing]");
        await Expect(progress).ToBeVisibleAsync();
        await Expect(progress).ToContainTextAsync("rows read of about");
        await Expect(page.Locator("#import-progress")).ToHaveAttributeAsync("value", new System.Text.RegularExpressions.Regex("^[1-9]"));
        await WebAppFixture.ScreenshotAsync(page, "02b-csv-import-progress");

        var summary = page.Locator(".import-summary");
        await Expect(summary.Locator(".figure-success .figure-value")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^80.?000$"), new() { Timeout = 60_000 });
        await Expect(page.Locator(".import-progress")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task A_resumed_campaign_progresses_live_to_completed_without_a_reload()
    {
        var (_, key, client) = await app.NewUserAsync(limit: 2);
        var contacts = await client.CreateContactsAsync(8, numberBase: 300);
        var campaign = await client.CreateCampaignAsync(AsapCampaign("Live to the end", contacts));
        var id = campaign["id"]!.GetValue<long>();
        await client.PostAsync($"api/campaigns/{id}/pause", null);
        var page = await app.OpenAsync(key);
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Paused" }).ClickAsync();
        await page.GetByRole(AriaRole.Link, new() { Name = "Live to the end" }).ClickAsync();
        var head = page.Locator(".detail-head");
        await Expect(head.Locator(".badge")).ToHaveTextAsync("paused");
        await Expect(head.Locator(".live-state")).ToHaveTextAsync("● Live");
        await head.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();

        await Expect(head.Locator(".badge")).ToHaveTextAsync("completed", new() { Timeout = 60_000 });
        await Expect(page.Locator(".summary .progress-text")).ToHaveTextAsync("100% (8/8)");
        await Expect(page.GetByText("Nobody is waiting")).ToBeVisibleAsync();
        await Expect(page.Locator(".hbars li").First).ToBeVisibleAsync();
        await Expect(page.Locator(".calls-table tbody tr")).ToHaveCountAsync(8);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        var final = await client.GetCampaignAsync(id);
        Assert.Equal(8, final["completedCalls"]!.GetValue<int>());
        var settings = page.Locator("#settings");
        await Expect(settings.GetByText("A completed campaign cannot be changed.")).ToBeVisibleAsync();
        await Expect(settings.GetByLabel("Campaign name")).ToBeDisabledAsync();
        await Expect(settings.GetByRole(AriaRole.Button, new() { Name = "Save changes" })).ToHaveCountAsync(0);
        await WebAppFixture.ScreenshotAsync(page, "03-campaign-completed-live");
    }

    [Fact]
    public async Task A_campaign_is_paused_and_resumed_from_its_card()
    {
        var (_, key, client) = await app.NewUserAsync();
        var contacts = await client.CreateContactsAsync(3, numberBase: 400);
        var now = DateTime.UtcNow;
        // A window that opens later today (UTC): the campaign is active and waits, so it stays on the Active tab.
        await client.CreateCampaignAsync(new
        {
            name = "Evening callers", agentId = "sim-reminder-agent", timeZone = "UTC", pacing = "spread", contactIds = contacts,
            firstCallTime = now.AddHours(2).ToString("HH:00", CultureInfo.InvariantCulture),
            lastCallTime = now.AddHours(4).ToString("HH:00", CultureInfo.InvariantCulture),
        });
        var page = await app.OpenAsync(key);

        var card = page.Locator(".campaign-card", new() { HasText = "Evening callers" });
        await Expect(card).ToBeVisibleAsync();
        await Expect(card).ToContainTextAsync("Next call:");
        await Expect(page.Locator("[data-tab=active] .tab-count")).ToHaveTextAsync("1");
        await card.GetByRole(AriaRole.Button, new() { Name = "Pause" }).ClickAsync();
        await Expect(page.Locator("[data-tab=paused] .tab-count")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-tab=active] .tab-count")).ToHaveTextAsync("0");
        await Expect(card).ToHaveCountAsync(0);

        await page.GetByRole(AriaRole.Tab, new() { Name = "Paused" }).ClickAsync();
        await Expect(card.Locator(".badge")).ToHaveTextAsync("paused");
        await card.GetByRole(AriaRole.Button, new() { Name = "Resume" }).ClickAsync();
        await Expect(page.Locator("[data-tab=active] .tab-count")).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Tab, new() { Name = "Active" }).ClickAsync();
        await Expect(card.Locator(".badge")).ToHaveTextAsync("active");

        await card.GetByRole(AriaRole.Link, new() { Name = "Evening callers" }).ClickAsync();
        await Expect(page.Locator(".queue-table tbody tr")).ToHaveCountAsync(3);
        await Expect(page.Locator(".queue-table .position").First).ToHaveTextAsync("1");
        await page.GetByRole(AriaRole.Link, new() { Name = "← All campaigns" }).ClickAsync();
        await Expect(card).ToBeVisibleAsync();
        await page.SetViewportSizeAsync(390, 844); // phone width
        await WebAppFixture.ScreenshotAsync(page, "04-dashboard-after-pause-resume-phone");
    }

    [Fact]
    public async Task The_admin_changes_a_users_limit_and_the_user_sees_it()
    {
        var (userId, key, client) = await app.NewUserAsync(limit: 2);
        var page = await app.OpenAsync();
        await page.GetByLabel("API key").FillAsync(WebAppFixture.AdminKey);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Administration" })).ToBeVisibleAsync();

        var limit = page.Locator($"input[data-user-id='{userId}']");
        await Expect(limit).ToHaveValueAsync("2");
        await limit.FillAsync("7");
        await limit.PressAsync("Enter");
        await Expect(page.GetByText($"{userId}: limit set to 7.")).ToBeVisibleAsync();
        var users = await app.Admin.GetAsync("api/admin/users");
        var user = users["items"]!.AsArray().Single(u => u!["id"]!.GetValue<string>() == userId)!;
        Assert.Equal(7, user["concurrentCallsLimit"]!.GetValue<int>());
        await Expect(page.Locator("#system-limit")).ToHaveValueAsync("10");

        await page.GetByRole(AriaRole.Button, new() { Name = "+ New user" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New user" });
        await dialog.GetByLabel("User id").FillAsync($"{userId}-team");
        await dialog.GetByLabel("Name", new() { Exact = true }).FillAsync("Sales team");
        await dialog.GetByLabel("Concurrency limit").PressAsync("Enter");
        var shown = page.GetByRole(AriaRole.Dialog, new() { Name = $"Key for {userId}-team" });
        await Expect(shown.GetByLabel("API key")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cc_"));
        await shown.PressAsync("Escape");
        await Expect(page.Locator($"input[data-user-id='{userId}-team']")).ToHaveValueAsync("2");

        await page.Locator(".users-table tr", new() { HasText = $"{userId}-team" }).GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Rotate key" }).ClickAsync();
        var rotated = page.GetByRole(AriaRole.Dialog, new() { Name = $"New key for {userId}-team" });
        await Expect(rotated.GetByLabel("API key")).ToHaveValueAsync(new System.Text.RegularExpressions.Regex("^cc_"));
        await rotated.GetByRole(AriaRole.Button, new() { Name = "Done" }).ClickAsync();
        await WebAppFixture.ScreenshotAsync(page, "05-admin-users-and-limits");

        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out / change key" }).ClickAsync();
        await page.GetByLabel("API key").FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Nav(page, "Settings").ClickAsync();
        await Expect(page.Locator("#my-limit")).ToHaveTextAsync("7");
        await Expect(page.GetByText("0 of 7 lines in use")).ToBeVisibleAsync();
        await WebAppFixture.ScreenshotAsync(page, "06-user-settings-after-limit-change");
        _ = client;
    }

    [Fact]
    public async Task A_lost_connection_is_shown_and_clears_when_the_node_answers_again()
    {
        var (_, key, _) = await app.NewUserAsync();
        var page = await app.OpenAsync(key);
        await Expect(page.GetByText("No active campaigns")).ToBeVisibleAsync();
        var banner = page.GetByText("Connection lost — reconnecting…");
        await Expect(banner).ToBeHiddenAsync();

        await page.RouteAsync("**/api/**", route => route.AbortAsync("connectionrefused"));
        await Expect(banner).ToBeVisibleAsync();
        await Expect(page.GetByText("No active campaigns")).ToBeVisibleAsync(); // the last good list stays
        await WebAppFixture.ScreenshotAsync(page, "07-connection-lost");

        await page.UnrouteAllAsync();
        await Expect(banner).ToBeHiddenAsync();
    }

    [Fact]
    public async Task The_campaign_settings_are_edited_and_a_bad_value_shows_its_field_error()
    {
        var (_, key, client) = await app.NewUserAsync();
        var contacts = await client.CreateContactsAsync(3, numberBase: 800);
        var now = DateTime.UtcNow;
        var first = now.AddHours(12).ToString("HH:00", CultureInfo.InvariantCulture);
        var last = now.AddHours(13).ToString("HH:00", CultureInfo.InvariantCulture);
        var later = now.AddHours(14).ToString("HH:00", CultureInfo.InvariantCulture);
        // A one-hour window (UTC) twelve hours away: the campaign is active, but its contacts stay queued.
        var campaign = await client.CreateCampaignAsync(new
        {
            name = "Night window", agentId = "sim-sales-agent", timeZone = "UTC", pacing = "spread", contactIds = contacts,
            firstCallTime = first, lastCallTime = last,
        });
        var id = campaign["id"]!.GetValue<long>();
        var page = await app.OpenAsync(key);
        await page.GotoAsync($"/#/campaigns/{id}");

        var head = page.Locator(".detail-head");
        await Expect(head.GetByRole(AriaRole.Heading, new() { Name = "Night window", Level = 1 })).ToBeVisibleAsync();
        var friendly = new System.Text.RegularExpressions.Regex(@"^(today|tomorrow) \d\d:\d\d$");
        await Expect(head.Locator(".head-eta .eta-value")).ToHaveTextAsync(friendly);
        var queue = page.Locator(".queue-table tbody tr");
        await Expect(queue).ToHaveCountAsync(3);
        await Expect(queue.First.Locator(".reason-window-closed .reason-code")).ToHaveTextAsync("window closed");
        await Expect(queue.First.Locator(".reason-text")).ToContainTextAsync("Outside the calling window; it opens");
        await Expect(queue.First.Locator(".eta")).ToHaveTextAsync(friendly);

        var settings = page.Locator("#settings");
        await settings.GetByLabel("Campaign name").FillAsync("Night window, later");
        await settings.GetByLabel("Last call time").FillAsync(later);
        await settings.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(head.GetByRole(AriaRole.Heading, new() { Name = "Night window, later", Level = 1 })).ToBeVisibleAsync();
        await Expect(head).ToContainTextAsync($"Window {first}–{later} UTC");
        await Expect(settings.GetByLabel("Last call time")).ToHaveValueAsync(later);
        var saved = await client.GetCampaignAsync(id);
        Assert.Equal("Night window, later", saved["name"]!.GetValue<string>());
        Assert.Equal(later, saved["lastCallTime"]!.GetValue<string>());
        Assert.Equal("active", saved["status"]!.GetValue<string>());

        await settings.GetByLabel("Time zone").FillAsync("Mars/Olympus_Mons");
        await settings.GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(settings.Locator("[data-field=timeZone] .field-error"))
            .ToHaveTextAsync("Unknown time zone 'Mars/Olympus_Mons': use an IANA name such as Europe/London.");
        await Expect(settings.GetByLabel("Time zone")).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal("UTC", (await client.GetCampaignAsync(id))["timeZone"]!.GetValue<string>());
        await WebAppFixture.ScreenshotAsync(page, "08-campaign-settings-edited");
    }

    [Fact]
    public async Task Contacts_waiting_for_the_users_only_line_say_so_in_the_queue()
    {
        var (_, key, client) = await app.NewUserAsync(limit: 1);
        var contacts = await client.CreateContactsAsync(30, numberBase: 900);
        var campaign = await client.CreateCampaignAsync(AsapCampaign("One line", contacts));
        var page = await app.OpenAsync(key);
        await page.GotoAsync($"/#/campaigns/{campaign["id"]!.GetValue<long>()}");

        // While the one line is busy, everyone after it waits for that slot (the page follows the calls live).
        var waiting = page.Locator(".queue-table .reason-user-limit", new() { Has = page.Locator(".reason-code", new() { HasText = "your limit" }) }).First;
        await Expect(waiting).ToContainTextAsync("of 1 of your call slots are in use", new() { Timeout = 60_000 });
        await WebAppFixture.ScreenshotAsync(page, "09-queue-waiting-for-the-users-limit");
    }

    /// <summary>A link of the main navigation (the sidebar, or the top bar at phone width).</summary>
    private static ILocator Nav(IPage page, string name) =>
        page.GetByRole(AriaRole.Navigation, new() { Name = "Main" }).GetByRole(AriaRole.Link, new() { Name = name });

    /// <summary>A campaign on the simulator's agent, around the clock, as fast as the limits allow.</summary>
    private static object AsapCampaign(string name, long[] contacts) => new
    {
        name, agentId = "sim-sales-agent", firstCallTime = "00:00", lastCallTime = "00:00", pacing = "asap", contactIds = contacts,
    };
}
