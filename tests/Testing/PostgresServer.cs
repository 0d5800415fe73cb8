using System.Diagnostics;
using Npgsql;

namespace CallCampaigns.Testing;

/// <summary>
/// A private PostgreSQL for one test run: <c>initdb</c> in a temporary folder, started with <c>pg_ctl</c> on a free
/// loopback port (as the <c>postgres</c> user when running as root), removed when disposed.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly string _bin;
    private int _databases;

    private readonly string _settings;

    private PostgresServer(string root, string bin, int port, string settings)
    {
        _root = root;
        _bin = bin;
        Port = port;
        _settings = settings;
    }

    public int Port { get; }

    /// <summary>The folder holding this server's binaries (psql, pg_ctl...).</summary>
    public string BinaryFolder => _bin;

    public string AdminConnectionString => $"Host=127.0.0.1;Port={Port};Username=postgres;Database=postgres;Pooling=false";

    public static async Task<PostgresServer> StartAsync()
    {
        var bin = FindBinaries();
        var root = Directory.CreateTempSubdirectory("cc-pg-").FullName;
        var data = Path.Combine(root, "data");
        if (IsRoot) await RunAsync("chown", ["-R", "postgres:postgres", root]);
        await RunPgAsync(Path.Combine(bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync", "--no-instructions"]);
        var port = FreePorts.Next();
        var settings = $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off " +
                       "-c full_page_writes=off -c max_connections=400 -c shared_buffers=128MB";
        var server = new PostgresServer(root, bin, port, settings);
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Stops the server as an outage would (its data is kept) until <see cref="StartAgainAsync"/>.</summary>
    public Task StopAsync() => RunPgAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "fast", "-w", "stop"]);

    /// <summary>Starts the (stopped) server again on the same port and data.</summary>
    public Task StartAgainAsync() => RunPgAsync(
        Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-o", _settings, "-l", Path.Combine(_root, "server.log"), "-w", "-t", "60", "start"]);

    /// <summary>A new, empty database; returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(string? prefix = null)
    {
        var name = $"{prefix ?? "test"}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid():N}";
        name = name[..Math.Min(name.Length, 40)].ToLowerInvariant();
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }

        return $"Host=127.0.0.1;Port={Port};Username=postgres;Database={name};Maximum Pool Size=50";
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        try
        {
            await RunPgAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_root, "data"), "-m", "immediate", "-w", "stop"]);
        }
        finally
        {
            try
            {
                Directory.Delete(_root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static bool IsRoot => Environment.UserName == "root";

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } configured) candidates.Add(configured);
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(dir => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL binaries (initdb, pg_ctl) not found: install PostgreSQL 15 or set PG_BIN.");
    }

    private static Task RunPgAsync(string file, IReadOnlyList<string> args) =>
        IsRoot ? RunAsync("runuser", ["-u", "postgres", "--", file, .. args]) : RunAsync(file, args);

    private static async Task RunAsync(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Path.GetTempPath() };
        foreach (var arg in args) start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {await error}{await output}");
        }
    }
}
