using System.Globalization;
using System.Text.Json.Nodes;

namespace CallCampaigns.Browser.Tests;

/// <summary>Each contact's own clock in the web app: their zone, a window read in it, and the admin's calling rules.</summary>
public sealed partial class WebAppTests
{
    private const string Tokyo = "+81312345678";
    private const string London = "+442079460958";

    [Fact]
    public async Task On_each_contacts_clock_a_tokyo_contact_waits_for_their_hours_while_a_london_contact_is_called()
    {
        var (_, key, client) = await app.NewUserAsync();
        await client.PostAsync("api/contacts", new { name = "Hana Sato", phoneNumber = Tokyo }, 201);
        await client.PostAsync("api/contacts", new { name = "Oliver Brown", phoneNumber = London }, 201);
        // A window around London's hour now: open in London, and closed in Tokyo (8 or 9 hours ahead) at any hour. It
        // opens today: a window crossing midnight belongs to the day it opens on, and one that opened yesterday, before
        // the campaign started, is not open (in London's first hour, 23:00-02:00 would be yesterday's).
        var londonNow = TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, TimeZoneInfo.FindSystemTimeZoneById("Europe/London"));
        var first = londonNow.Hour == 0 ? "00:00" : londonNow.AddHours(-1).ToString("HH:00", CultureInfo.InvariantCulture);
        var last = londonNow.AddHours(2).ToString("HH:00", CultureInfo.InvariantCulture);
        var page = await app.OpenAsync(key);

        await Nav(page, "Contacts").ClickAsync();
        await page.GetByLabel("Select every contact on this page").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Create campaign (2)" }).ClickAsync();
        var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = "New campaign" });
        await dialog.GetByLabel("Campaign name").FillAsync("Around the world");
        await dialog.GetByLabel("First call time").FillAsync(first);
        await dialog.GetByLabel("Last call time").FillAsync(last);
        await dialog.GetByLabel("Call in each contact's local time").CheckAsync();
        await Expect(dialog.Locator("[data-field=timeZone] .field-hint")).ToHaveTextAsync("Used for contacts whose own zone is unknown.");
        await dialog.GetByText("As fast as possible").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Create Campaign" }).ClickAsync();

        var head = page.Locator(".detail-head");
        await Expect(head.GetByRole(AriaRole.Heading, new() { Name = "Around the world", Level = 1 })).ToBeVisibleAsync();
        await Expect(head).ToContainTextAsync($"Window {first}–{last} in each contact's local time");
        var calls = page.Locator(".calls-table tbody tr", new() { HasText = "Oliver Brown" });
        await Expect(calls).ToHaveCountAsync(1, new() { Timeout = 60_000 });
        var queue = page.Locator(".queue-table tbody tr");
        await Expect(queue).ToHaveCountAsync(1);
        await Expect(queue.First).ToContainTextAsync("Hana Sato");
        var reason = queue.First.Locator(".reason-contact-time");
        await Expect(reason.Locator(".reason-code")).ToHaveTextAsync("outside their hours");
        await Expect(reason.Locator(".reason-text")).ToContainTextAsync("Asia/Tokyo");
        await Expect(reason.Locator(".reason-until")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d{1,2}:00\s?(AM|PM)? in Tokyo, in \d+ (h|min)"));
        var id = long.Parse(page.Url.Split('/')[^1], CultureInfo.InvariantCulture);
        Assert.Equal("contact", (await client.GetCampaignAsync(id))["windowZone"]!.GetValue<string>());
        await WebAppFixture.ScreenshotAsync(page, "10-queue-waiting-for-the-contacts-hours");

        await page.Locator("#settings").GetByLabel("Call in each contact's local time").UncheckAsync();
        await page.Locator("#settings").GetByRole(AriaRole.Button, new() { Name = "Save changes" }).ClickAsync();
        await Expect(head).ToContainTextAsync($"Window {first}–{last} ");
        await Expect(head).Not.ToContainTextAsync("each contact's local time");
        Assert.Equal("campaign", (await client.GetCampaignAsync(id))["windowZone"]!.GetValue<string>());
    }

    [Fact]
    public async Task Contacts_show_their_zone_region_and_local_time_and_one_is_added_with_a_zone_of_its_own()
    {
        var (_, key, client) = await app.NewUserAsync();
        await client.PostAsync("api/contacts", new { name = "Hana Sato", phoneNumber = Tokyo }, 201);
        var page = await app.OpenAsync(key);
        await Nav(page, "Contacts").ClickAsync();

        var tokyo = page.Locator(".contacts-table tbody tr", new() { HasText = "Hana Sato" }).Locator(".local-time");
        await Expect(tokyo.Locator(".contact-zone")).ToHaveTextAsync("Asia/Tokyo · JP");
        await Expect(tokyo.Locator(".contact-clock")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^now \d{1,2}:\d\d"));

        await page.GetByRole(AriaRole.Button, new() { Name = "+ Add contact" }).ClickAsync();
        var addForm = page.Locator("form.add-contact");
        await addForm.GetByLabel("Name", new() { Exact = true }).FillAsync("Oliver in Paris");
        await addForm.GetByLabel("Phone number").FillAsync(London);
        await addForm.GetByLabel("Time zone (optional)").FillAsync("Europe/Paris");
        await addForm.GetByRole(AriaRole.Button, new() { Name = "Add contact" }).ClickAsync();
        var paris = page.Locator(".contacts-table tbody tr", new() { HasText = "Oliver in Paris" }).Locator(".contact-zone");
        await Expect(paris).ToHaveTextAsync("Europe/Paris · GB");
        await WebAppFixture.ScreenshotAsync(page, "11-contacts-local-time");
    }

    [Fact]
    public async Task The_admin_adds_a_calling_rule_that_stays_after_a_reload_and_a_bad_time_shows_its_field_error()
    {
        var before = (await app.Admin.GetAsync("api/admin/calling-rules"))["items"]!.AsArray();
        try
        {
            var page = await app.OpenAsync(WebAppFixture.AdminKey);
            var rules = page.GetByRole(AriaRole.Form, new() { Name = "Calling rules" });
            await Expect(page.GetByText("Contacts of a region are called only between From and To in their own local time")).ToBeVisibleAsync();
            await Expect(rules.Locator(".rule-row")).ToHaveCountAsync(before.Count);
            var added = before.Count + 1;

            await rules.GetByRole(AriaRole.Button, new() { Name = "+ Add rule" }).ClickAsync();
            await Expect(rules.GetByLabel($"Region of rule {added}", new() { Exact = true })).ToBeFocusedAsync();
            await rules.GetByLabel($"Region of rule {added}", new() { Exact = true }).FillAsync("nz");
            await rules.GetByLabel($"From of rule {added}", new() { Exact = true }).FillAsync("09:30");
            await rules.GetByLabel($"To of rule {added}", new() { Exact = true }).FillAsync("19:00");
            await rules.GetByLabel($"sat in rule {added}", new() { Exact = true }).CheckAsync();
            await rules.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
            await Expect(page.GetByText($"Calling rules saved ({added}).")).ToBeVisibleAsync();
            var saved = (await app.Admin.GetAsync("api/admin/calling-rules"))["items"]!.AsArray();
            var nz = saved.Single(r => r!["region"]!.GetValue<string>() == "NZ")!;
            Assert.Equal("09:30", nz["from"]!.GetValue<string>());
            Assert.Equal("sat", nz["days"]!.AsArray().Single()!.GetValue<string>());

            await page.ReloadAsync();
            await Expect(rules.GetByLabel($"Region of rule {added}", new() { Exact = true })).ToHaveValueAsync("NZ");
            await Expect(rules.GetByLabel($"From of rule {added}", new() { Exact = true })).ToHaveValueAsync("09:30");
            await Expect(rules.GetByLabel($"sat in rule {added}", new() { Exact = true })).ToBeCheckedAsync();

            await rules.GetByLabel($"To of rule {added}", new() { Exact = true }).FillAsync("");
            await rules.GetByRole(AriaRole.Button, new() { Name = "Save rules" }).ClickAsync();
            await Expect(rules.Locator($"[data-field='[{added - 1}].to'] .field-error")).ToContainTextAsync("HH:mm");
            await Expect(rules.Locator(".alert-error")).ToBeVisibleAsync();
            await Expect(rules.GetByLabel($"To of rule {added}", new() { Exact = true })).ToHaveAttributeAsync("aria-invalid", "true");
            await WebAppFixture.ScreenshotAsync(page, "12-admin-calling-rules");
            Assert.Equal(added, (await app.Admin.GetAsync("api/admin/calling-rules"))["items"]!.AsArray().Count);
        }
        finally
        {
            await app.Admin.SendAsync(HttpMethod.Put, "api/admin/calling-rules", JsonNode.Parse(before.ToJsonString()));
        }
    }
}
