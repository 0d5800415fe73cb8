namespace CallCampaigns.Integration.Tests.Infrastructure;

/// <summary>One embedded node shared by the tests of a class that only read or add their own data.</summary>
public sealed class EmbeddedNodeFixture : IAsyncLifetime
{
    private readonly TempFolder _data = new();

    public EmbeddedNode Node { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Node = await EmbeddedNode.StartAsync(_data.Path);

    public async ValueTask DisposeAsync()
    {
        await Node.DisposeAsync();
        _data.Dispose();
    }
}
