using System.Diagnostics;

namespace CallCampaigns.Testing;

/// <summary>
/// A real node: the built API as its own process (<c>dotnet CallCampaigns.Api.dll</c>) with its own HTTP, silo and
/// gateway ports, configured through environment variables like any deployment.
/// </summary>
public sealed class NodeProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringWriter _log = new();

    private NodeProcess(Process process, Uri baseUrl, int siloPort)
    {
        _process = process;
        BaseUrl = baseUrl;
        SiloPort = siloPort;
    }

    public Uri BaseUrl { get; }

    public int SiloPort { get; }

    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>The node's peak resident memory so far, in bytes (Linux: VmHWM), or null where that is not known.</summary>
    public long? PeakMemoryBytes
    {
        get => ReadStatus("VmHWM:");
    }

    private long? ReadStatus(string field)
    {
        var status = $"/proc/{_process.Id}/status";
        if (!File.Exists(status)) return null;
        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
        return line is null ? null : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
    }

    /// <summary>The node's resident memory now, in bytes (Linux: VmRSS), or null where that is not known.</summary>
    public long? MemoryBytes => ReadStatus("VmRSS:");

    public static async Task<NodeProcess> StartAsync(IReadOnlyDictionary<string, string> environment, TimeSpan? readyWithin = null)
    {
        var httpPort = FreePorts.Next();
        var siloPort = FreePorts.Next();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        start.ArgumentList.Add(ApiAssembly());
        start.Environment["Urls"] = $"http://127.0.0.1:{httpPort}";
        start.Environment["Orleans__SiloPort"] = siloPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment) start.Environment[key] = value;

        var process = Process.Start(start)!;
        var node = new NodeProcess(process, new Uri($"http://127.0.0.1:{httpPort}/"), siloPort);
        process.OutputDataReceived += (_, e) => node.Append(e.Data);
        process.ErrorDataReceived += (_, e) => node.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await node.WaitReadyAsync(readyWithin ?? TimeSpan.FromSeconds(90));
        return node;
    }

    /// <summary>Kills the process outright (SIGKILL): no graceful shutdown, as in a crash.</summary>
    public async Task KillAsync()
    {
        if (_process.HasExited) return;
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Stops the process as an orchestrator or Ctrl+C would (SIGTERM) and waits for it to exit; returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan within)
    {
        if (!_process.HasExited)
        {
            using var signal = Process.Start(new ProcessStartInfo("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
            await signal.WaitForExitAsync();
            using var timeout = new CancellationTokenSource(within);
            await _process.WaitForExitAsync(timeout.Token);
        }

        return _process.ExitCode;
    }

    /// <summary>The TCP endpoints the process listens on (Linux: its sockets in /proc/net/tcp and tcp6), as "address:port".</summary>
    public IReadOnlyList<string> ListeningEndpoints()
    {
        var inodes = new HashSet<string>();
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{_process.Id}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal)) inodes.Add(target[8..^1]);
        }

        var listening = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            if (!File.Exists(table)) continue;
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                var columns = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (columns.Length < 10 || columns[3] != "0A" || !inodes.Contains(columns[9])) continue; // 0A: LISTEN
                listening.Add(Endpoint(columns[1]));
            }
        }

        return listening;
    }

    /// <summary>"0100007F:1F90" (little-endian IPv4, or IPv6 in four little-endian words) as "127.0.0.1:8080".</summary>
    private static string Endpoint(string hex)
    {
        var (address, port) = (hex[..hex.IndexOf(':')], int.Parse(hex[(hex.IndexOf(':') + 1)..], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture));
        var bytes = Convert.FromHexString(address);
        for (var word = 0; word < bytes.Length; word += 4) Array.Reverse(bytes, word, 4);
        var ip = new System.Net.IPAddress(bytes);
        if (ip.IsIPv4MappedToIPv6) ip = ip.MapToIPv4();
        return $"{ip}:{port}";
    }

    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        // To read what a node said in a failed run: CALLCAMPAIGNS_NODE_LOGS=<folder>.
        if (Environment.GetEnvironmentVariable("CALLCAMPAIGNS_NODE_LOGS") is { Length: > 0 } folder)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, $"node-{BaseUrl.Port}-{DateTime.UtcNow:HHmmss.fff}.log"), Log);
        }

        _process.Dispose();
    }

    private async Task WaitReadyAsync(TimeSpan within)
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited) throw new InvalidOperationException($"Node exited with {_process.ExitCode}:\n{Log}");
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"Node at {BaseUrl} not ready within {within}:\n{Log}");
    }

    private void Append(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    /// <summary>The built API next to this assembly's build (same configuration), found from the repository root.</summary>
    private static string ApiAssembly()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CallCampaigns.sln"))) dir = dir.Parent;
        if (dir is null) throw new InvalidOperationException("Repository root (CallCampaigns.sln) not found above " + AppContext.BaseDirectory);
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
        var path = Path.Combine(dir.FullName, "src", "Api", "bin", configuration, "net10.0", "CallCampaigns.Api.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Api first", path);
    }
}
