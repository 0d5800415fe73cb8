using Microsoft.Extensions.Configuration;

namespace CallCampaigns.Silo;

/// <summary>The two ways a node runs: the embedded default, or one node of a cluster on PostgreSQL.</summary>
public sealed record NodeMode(string? PostgresConnectionString, string DataPath)
{
    public bool IsCluster => PostgresConnectionString is not null;

    public string SqliteFile => Path.Combine(DataPath, "ledger.db");

    public static NodeMode From(IConfiguration configuration)
    {
        var postgres = configuration.GetConnectionString("Postgres");
        var dataPath = configuration.GetSection(StorageOptions.Section).Get<StorageOptions>()?.DataPath ?? "data";
        return new NodeMode(string.IsNullOrWhiteSpace(postgres) ? null : postgres, Path.GetFullPath(dataPath));
    }
}
