namespace CallCampaigns.Silo;

/// <summary>Configuration section <c>Orleans</c>: this node's place in the cluster.</summary>
public sealed class ClusterNodeOptions
{
    public const string Section = "Orleans";

    public int SiloPort { get; set; } = 11111;

    /// <summary>The Orleans client gateway's port; none is opened unless set (nothing in the product uses it).</summary>
    public int? GatewayPort { get; set; }

    /// <summary>The address other nodes reach this one at (cluster mode).</summary>
    public string AdvertisedIPAddress { get; set; } = "127.0.0.1";

    /// <summary>Separates deployments that must not join each other.</summary>
    public string ClusterId { get; set; } = "call-campaigns";

    /// <summary>Stable for the application: grain state and reminders are keyed by it.</summary>
    public string ServiceId { get; set; } = "call-campaigns";
}

/// <summary>Configuration section <c>Storage</c>.</summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    /// <summary>The embedded default's data folder (the SQLite ledger and the generated secrets).</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Apply the schemas in sql/ when the node starts.</summary>
    public bool MigrateOnStart { get; set; } = true;
}

/// <summary>Configuration section <c>Limits</c>: defaults for the two concurrency levels.</summary>
public sealed class LimitsOptions
{
    public const string Section = "Limits";

    public int DefaultUserConcurrency { get; set; } = 2;

    public int SystemConcurrency { get; set; } = 10;
}

/// <summary>Configuration section <c>Auth</c>.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string? AdminKey { get; set; }

    /// <summary>The key of the ready-made demo user of the embedded default.</summary>
    public string? DemoUserKey { get; set; }

    /// <summary>Whether to create the demo user (default: in the embedded default only).</summary>
    public bool? CreateDemoUser { get; set; }
}
