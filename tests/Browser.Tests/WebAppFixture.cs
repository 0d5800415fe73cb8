using CallCampaigns.Testing;
using Microsoft.Playwright;

namespace CallCampaigns.Browser.Tests;

/// <summary>
/// One real embedded node (the built API as a process, its data in a temporary folder, the simulator placing calls
/// fast) and one headless Chromium, shared by the browser tests. Each test works as its own new user.
/// </summary>
public sealed class WebAppFixture : IAsyncLifetime
{
    public const string AdminKey = "cc_admin_browser_tests";

    private readonly string _data = Path.Combine(Path.GetTempPath(), $"cc-browser-{Guid.NewGuid():N}");
    private IPlaywright? _playwright;
    private int _users;

    public NodeProcess Node { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public CampaignsClient Admin { get; private set; } = null!;

    /// <summary>Where each test leaves the screenshot of its final page.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        var chromium = SystemChromium.FindOrInstallAsync();
        Node = await NodeProcess.StartAsync(new Dictionary<string, string>
        {
            ["Storage__DataPath"] = _data,
            ["Auth__AdminKey"] = AdminKey,
            ["Simulator__SpeedFactor"] = "200",
            ["Engine__HeartbeatPeriod"] = "00:00:01",
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Orleans"] = "Error",
            ["Logging__LogLevel__Polly"] = "Error",
        });
        Admin = new CampaignsClient(Node.BaseUrl, AdminKey);
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = await chromium,
            Headless = true,
            Args = SystemChromium.Args,
        });
        Assertions.SetDefaultExpectTimeout(30_000);
        Directory.CreateDirectory(ScreenshotFolder);
    }

    /// <summary>A new user of its own (so tests do not see each other's campaigns) and a client with its key.</summary>
    public async Task<(string Id, string Key, CampaignsClient Client)> NewUserAsync(int limit = 3)
    {
        var id = $"user{Interlocked.Increment(ref _users)}";
        var key = await Admin.CreateUserAsync(id, limit);
        return (id, key, new CampaignsClient(Node.BaseUrl, key));
    }

    /// <summary>A fresh browser context (its own localStorage) at the app's address.</summary>
    public async Task<IPage> OpenAsync(string? signedInWith = null, ViewportSize? viewport = null)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Node.BaseUrl.ToString(),
            ViewportSize = viewport ?? new ViewportSize { Width = 1280, Height = 900 },
            AcceptDownloads = true,
        });
        context.SetDefaultTimeout(30_000);
        if (signedInWith is not null)
        {
            await context.AddInitScriptAsync($"localStorage.setItem('callCampaigns.apiKey', {System.Text.Json.JsonSerializer.Serialize(signedInWith)});");
        }

        var page = await context.NewPageAsync();
        page.Console += (_, message) =>
        {
            if (message.Type == "error") TestContext.Current.TestOutputHelper?.WriteLine($"browser console: {message.Text}");
        };
        page.PageError += (_, error) => TestContext.Current.TestOutputHelper?.WriteLine($"browser page error: {error}");
        await page.GotoAsync("/");
        return page;
    }

    /// <summary>Saves the page as TestResults/screenshots/&lt;name&gt;.png next to the test assembly, and prints the path.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        TestContext.Current.TestOutputHelper?.WriteLine($"Screenshot: {path}");
        TestContext.Current.SendDiagnosticMessage($"Screenshot: {path}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (Node is not null) await Node.DisposeAsync();
        Admin?.Dispose();
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
