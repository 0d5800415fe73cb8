using System.Diagnostics;

namespace CallCampaigns.Browser.Tests;

/// <summary>
/// The machine's Chromium (Debian package <c>chromium</c>). On a fresh machine, running as root, it is installed with
/// apt-get: the tests never download a browser of their own.
/// </summary>
internal static class SystemChromium
{
    private static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser"];

    public static readonly string[] Args =
        ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

    public static async Task<string> FindOrInstallAsync()
    {
        if (Find() is { } found) return found;
        if (!OperatingSystem.IsLinux() || Environment.UserName != "root")
        {
            throw new InvalidOperationException("Chromium not found at /usr/bin/chromium: install it with 'apt-get install -y chromium'.");
        }

        var log = new System.Text.StringBuilder();
        if (await AptAsync("install -y chromium", log) != 0)
        {
            await AptAsync("update", log);
            await AptAsync("install -y chromium", log);
        }

        return Find() ?? throw new InvalidOperationException($"Chromium could not be installed with apt-get:\n{log}");
    }

    private static string? Find() => Candidates.FirstOrDefault(File.Exists);

    private static async Task<int> AptAsync(string arguments, System.Text.StringBuilder log)
    {
        var start = new ProcessStartInfo("apt-get", arguments) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["DEBIAN_FRONTEND"] = "noninteractive";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await process.WaitForExitAsync(timeout.Token);
        log.AppendLine($"apt-get {arguments}: {process.ExitCode}").AppendLine(await output).AppendLine(await error);
        return process.ExitCode;
    }
}
