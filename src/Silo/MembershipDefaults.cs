using Orleans.Configuration;

namespace CallCampaigns.Silo;

/// <summary>
/// The shipped failure detection, chosen so that a node killed outright is declared dead, and its campaigns dial
/// again from the others, well within 30 s on two or three nodes (Orleans' own defaults were seen to take minutes).
/// A probe every 1 to 4 s (adaptive, starting at 2 s), three missed in a row make a suspicion, and one vote in two
/// nodes, two in three or more, declare death: about 6 to 12 s from a kill. A process that is only slow is not
/// declared dead: probes stretch while the prober itself is degraded, and recent traffic on the connection
/// suppresses the vote. Every value is overridable from <c>Orleans:Membership:*</c>.
/// </summary>
public static class MembershipDefaults
{
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    public static readonly TimeSpan MaxProbeTimeout = TimeSpan.FromSeconds(4);

    public const int NumMissedProbesLimit = 3;

    /// <summary>A node that missed the gossip of a death still reads it from the table this soon.</summary>
    public static readonly TimeSpan TableRefreshTimeout = TimeSpan.FromSeconds(10);

    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.MinProbeTimeout = ProbeTimeout / 2;
        options.MaxProbeTimeout = MaxProbeTimeout;
        options.NumMissedProbesLimit = NumMissedProbesLimit;
        options.TableRefreshTimeout = TableRefreshTimeout;
    }
}
