using System.Text.Json.Nodes;

namespace CallCampaigns.Browser.Tests;

/// <summary>
/// The frequency cap in the admin's settings: the system's cap in the System card, and a user's own cap in the users
/// table. The system cap is the node's, shared by every test: each test puts it back to none.
/// </summary>
public sealed partial class WebAppTests
{
    [Fact]
    public async Task The_admin_sets_the_system_frequency_cap_which_the_api_reports_and_the_page_shows_after_a_reload_then_removes_it()
    {
        await SetSystemCapAsync(null);
        var limit = (await app.Admin.GetAsync("api/admin/system"))["systemConcurrentCallsLimit"]!.GetValue<int>();
        try
        {
            var page = await app.OpenAsync(WebAppFixture.AdminKey);
            var summary = page.Locator("#system-cap");
            await Expect(summary).ToHaveTextAsync("No cap");
            var form = page.GetByRole(AriaRole.Form, new() { Name = "System frequency cap" });
            await Expect(form.GetByRole(AriaRole.Button, new() { Name = "Remove cap" })).ToBeHiddenAsync();

            await form.GetByLabel("Max calls to one number").FillAsync("3");
            await form.GetByLabel("Per hours").FillAsync("24");
            await form.GetByRole(AriaRole.Button, new() { Name = "Save cap" }).ClickAsync();
            await Expect(page.GetByText("Frequency cap saved: at most 3 calls to one number in any 24 hours.")).ToBeVisibleAsync();
            await Expect(summary).ToHaveTextAsync("At most 3 calls to one number in any 24 hours");
            var system = await app.Admin.GetAsync("api/admin/system");
            Assert.Equal((3, 24), Cap(system["callCap"]));
            Assert.Equal(limit, system["systemConcurrentCallsLimit"]!.GetValue<int>()); // the limit is left alone

            await page.ReloadAsync();
            await Expect(summary).ToHaveTextAsync("At most 3 calls to one number in any 24 hours");
            await Expect(form.GetByLabel("Max calls to one number")).ToHaveValueAsync("3");
            await Expect(form.GetByLabel("Per hours")).ToHaveValueAsync("24");
            await WebAppFixture.ScreenshotAsync(page, "19-admin-system-frequency-cap");

            await form.GetByRole(AriaRole.Button, new() { Name = "Remove cap" }).ClickAsync();
            await Expect(page.GetByText("Frequency cap removed: no cap.")).ToBeVisibleAsync();
            await Expect(summary).ToHaveTextAsync("No cap");
            Assert.Null((await app.Admin.GetAsync("api/admin/system"))["callCap"]);

            await page.ReloadAsync();
            await Expect(summary).ToHaveTextAsync("No cap");
            await Expect(form.GetByLabel("Max calls to one number")).ToHaveValueAsync("");
            await Expect(form.GetByRole(AriaRole.Button, new() { Name = "Remove cap" })).ToBeHiddenAsync();
        }
        finally
        {
            await SetSystemCapAsync(null);
        }
    }

    [Fact]
    public async Task A_system_frequency_cap_of_zero_calls_shows_its_error_on_the_field_changes_nothing_and_is_not_overwritten_by_the_refresh()
    {
        await SetSystemCapAsync(new { maxCalls = 2, perHours = 12 });
        try
        {
            var page = await app.OpenAsync(WebAppFixture.AdminKey);
            var form = page.GetByRole(AriaRole.Form, new() { Name = "System frequency cap" });
            var maxCalls = form.GetByLabel("Max calls to one number");
            await Expect(maxCalls).ToHaveValueAsync("2");

            await maxCalls.FillAsync("0");
            await maxCalls.PressAsync("Enter");
            await Expect(form.Locator("[data-field='callCap.maxCalls'] .field-error")).ToHaveTextAsync("Must be between 1 and 100.");
            await Expect(maxCalls).ToHaveAttributeAsync("aria-invalid", "true");
            await Expect(maxCalls).ToBeFocusedAsync();
            await Expect(page.Locator("#system-cap")).ToHaveTextAsync("At most 2 calls to one number in any 12 hours");
            Assert.Equal((2, 12), Cap((await app.Admin.GetAsync("api/admin/system"))["callCap"]));
            await WebAppFixture.ScreenshotAsync(page, "20-admin-frequency-cap-bad-value");

            // The next refresh shows a cap changed elsewhere, and leaves the figure being typed alone.
            await SetSystemCapAsync(new { maxCalls = 5, perHours = 6 });
            await Expect(page.Locator("#system-cap")).ToHaveTextAsync("At most 5 calls to one number in any 6 hours");
            await Expect(maxCalls).ToHaveValueAsync("0");

            await form.GetByLabel("Per hours").FillAsync("745");
            await maxCalls.FillAsync("4");
            await form.GetByRole(AriaRole.Button, new() { Name = "Save cap" }).ClickAsync();
            await Expect(form.Locator("[data-field='callCap.perHours'] .field-error")).ToHaveTextAsync("Must be between 1 and 744.");
            await Expect(form.Locator("[data-field='callCap.maxCalls'] .field-error")).ToBeHiddenAsync();
            Assert.Equal((5, 6), Cap((await app.Admin.GetAsync("api/admin/system"))["callCap"]));
        }
        finally
        {
            await SetSystemCapAsync(null);
        }
    }

    [Fact]
    public async Task The_admin_gives_a_user_a_frequency_cap_of_their_own_then_sends_them_back_to_the_systems()
    {
        var (userId, key, _) = await app.NewUserAsync(limit: 2);
        await SetSystemCapAsync(new { maxCalls = 3, perHours = 24 });
        try
        {
            var page = await app.OpenAsync(WebAppFixture.AdminKey);
            var row = page.Locator(".users-table tbody tr").Filter(new() { Has = page.Locator($"input[data-user-id='{userId}']") });
            await Expect(row.Locator(".user-cap")).ToHaveTextAsync("System's");

            await row.GetByRole(AriaRole.Button, new() { Name = $"Change the frequency cap of {userId}" }).ClickAsync();
            var dialog = page.GetByRole(AriaRole.Dialog, new() { Name = $"Frequency cap of {userId}" });
            await Expect(dialog.GetByText("The system's: at most 3 calls to one number in any 24 hours.")).ToBeVisibleAsync();
            await Expect(dialog.GetByLabel("Max calls to one number")).ToBeDisabledAsync();
            await dialog.GetByText("Its own").ClickAsync();
            await Expect(dialog.GetByLabel("Max calls to one number")).ToBeFocusedAsync();
            await dialog.GetByLabel("Max calls to one number").FillAsync("0");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save cap" }).ClickAsync();
            await Expect(dialog.Locator("[data-field='callCap.maxCalls'] .field-error")).ToHaveTextAsync("Must be between 1 and 100.");
            await Expect(dialog.GetByLabel("Max calls to one number")).ToHaveAttributeAsync("aria-invalid", "true");
            Assert.Null(User(await app.Admin.GetAsync("api/admin/users"), userId)["callCap"]);

            await dialog.GetByLabel("Max calls to one number").FillAsync("2");
            await dialog.GetByLabel("Per hours").FillAsync("48");
            await WebAppFixture.ScreenshotAsync(page, "21-admin-user-frequency-cap");
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save cap" }).ClickAsync();
            await Expect(page.GetByText($"{userId}: at most 2 calls to one number in any 48 hours.")).ToBeVisibleAsync();
            await Expect(dialog).ToBeHiddenAsync();
            await Expect(row.Locator(".user-cap")).ToHaveTextAsync("2 per 48 h");
            var user = User(await app.Admin.GetAsync("api/admin/users"), userId);
            Assert.Equal((2, 48), Cap(user["callCap"]));
            Assert.Equal(2, user["concurrentCallsLimit"]!.GetValue<int>()); // the limit is left alone
            Assert.Equal((3, 24), Cap((await app.Admin.GetAsync("api/admin/system"))["callCap"]));
            var own = await app.OpenAsync(key); // the user sees the cap that applies to them in their settings
            await Nav(own, "Settings").ClickAsync();
            await Expect(own.Locator("#my-call-cap")).ToHaveTextAsync("At most 2 calls to one number in any 48 hours, over all your campaigns.");

            await page.ReloadAsync();
            await Expect(row.Locator(".user-cap")).ToHaveTextAsync("2 per 48 h");
            await row.GetByRole(AriaRole.Button, new() { Name = $"Change the frequency cap of {userId}" }).ClickAsync();
            await Expect(dialog.GetByLabel("Max calls to one number")).ToHaveValueAsync("2");
            await Expect(dialog.GetByLabel("Per hours")).ToHaveValueAsync("48");
            await dialog.GetByText("The system's", new() { Exact = true }).ClickAsync();
            await Expect(dialog.GetByLabel("Per hours")).ToBeDisabledAsync();
            await dialog.GetByRole(AriaRole.Button, new() { Name = "Save cap" }).ClickAsync();
            await Expect(page.GetByText($"{userId}: the system's cap applies.")).ToBeVisibleAsync();
            await Expect(row.Locator(".user-cap")).ToHaveTextAsync("System's");
            Assert.Null(User(await app.Admin.GetAsync("api/admin/users"), userId)["callCap"]);
        }
        finally
        {
            await SetSystemCapAsync(null);
        }
    }

    private Task SetSystemCapAsync(object? cap) => app.Admin.SendAsync(HttpMethod.Put, "api/admin/system", new { callCap = cap });

    private static (int MaxCalls, int PerHours)? Cap(JsonNode? cap) =>
        cap is null ? null : (cap["maxCalls"]!.GetValue<int>(), cap["perHours"]!.GetValue<int>());

    private static JsonNode User(JsonObject users, string id) => users["items"]!.AsArray().Single(u => u!["id"]!.GetValue<string>() == id)!;
}
