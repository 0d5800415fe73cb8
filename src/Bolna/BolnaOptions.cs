namespace CallCampaigns.Bolna;

/// <summary>Configuration section <c>Bolna</c>.</summary>
public sealed class BolnaOptions
{
    public const string Section = "Bolna";

    public string BaseUrl { get; set; } = "https://api.bolna.ai";

    /// <summary>When unset, the built-in simulator places the calls.</summary>
    public string? ApiKey { get; set; }

    /// <summary>The shared secret webhooks must present (<c>?token=</c> or <c>X-Webhook-Token</c>).</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>How long a dial request may take before its outcome counts as unknown.</summary>
    public TimeSpan DialTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Most <c>POST /call</c> requests this node sends per minute (Bolna allows 500 per organisation: in a cluster,
    /// give each node its share).
    /// </summary>
    public int CallsPerMinute { get; set; } = 500;

    /// <summary>
    /// Addresses webhooks may come from (Bolna publishes 13.203.39.153, 13.126.9.249 and 13.202.133.53); empty: any.
    /// </summary>
    public string[] AllowedSourceAddresses { get; set; } = [];
}

/// <summary>Configuration section <c>Dialer</c>.</summary>
public sealed class DialerOptions
{
    public const string Section = "Dialer";

    /// <summary><c>Bolna</c> or <c>Simulator</c>; defaults to Simulator when no Bolna key is set.</summary>
    public string? Mode { get; set; }
}
