using CallCampaigns.Testing;

[assembly: AssemblyFixture(typeof(CallCampaigns.Integration.Tests.Infrastructure.PostgresFixture))]

namespace CallCampaigns.Integration.Tests.Infrastructure;

/// <summary>One private PostgreSQL 15 for the whole test run; each test takes a fresh database from it.</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private PostgresServer? _server;

    public PostgresServer Server => _server ?? throw new InvalidOperationException("PostgreSQL is not started");

    public Task<string> CreateDatabaseAsync(string prefix) => Server.CreateDatabaseAsync(prefix);

    public async ValueTask InitializeAsync() => _server = await PostgresServer.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
    }
}
