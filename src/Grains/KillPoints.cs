using System.Globalization;

namespace CallCampaigns.Grains;

/// <summary>
/// Fault injection for the failover tests, and for nothing else: kills the process the n-th time one named point of
/// the dial and webhook paths is reached, so that a test can crash a node exactly where the ledger is between two
/// writes that belong together. Armed only by <c>CALLCAMPAIGNS_KILL_AT=&lt;point&gt;[:&lt;n&gt;]</c> in the node's
/// environment (n defaults to 1), read once at start; unarmed, <see cref="Reached"/> is one read of a static field.
/// The kill is <see cref="Environment.FailFast(string)"/>: no finally block, no graceful stop, no flush of anything,
/// so the cluster and the ledger see what <c>kill -9</c> leaves.
/// </summary>
public static class KillPoints
{
    /// <summary>The environment variable that arms a kill point.</summary>
    public const string Variable = "CALLCAMPAIGNS_KILL_AT";

    /// <summary>A slot is claimed for an item (it is <c>dialing</c>, its lease held), the dial not yet sent to Bolna.</summary>
    public const string GrantBeforeDial = "grant-before-dial";

    /// <summary>Bolna accepted the dial (the call is placed), its execution id not yet recorded in the ledger.</summary>
    public const string DialBeforeRecord = "dial-before-record";

    /// <summary>A webhook is stored in the inbox and answered 202, not yet applied.</summary>
    public const string InboxBeforeApply = "inbox-before-apply";

    public static IReadOnlyList<string> All { get; } = [GrantBeforeDial, DialBeforeRecord, InboxBeforeApply];

    private sealed class Armed(string point, int nth)
    {
        public string Point { get; } = point;

        public int Nth { get; } = nth;

        public int Count;
    }

    private static readonly Armed? Current = Parse(Environment.GetEnvironmentVariable(Variable));

    /// <summary>What this process is armed with, as "point:n", or null (always, outside the failover tests).</summary>
    public static string? Description => Current is { } armed ? $"{armed.Point}:{armed.Nth}" : null;

    /// <summary>True when <paramref name="point"/> is armed: lets a caller skip setting up a point that cannot fire.</summary>
    public static bool IsArmed(string point) => Current?.Point == point;

    /// <summary>Marks that the code passed <paramref name="point"/>; the n-th time the armed point is passed, the process dies.</summary>
    public static void Reached(string point)
    {
        var armed = Current;
        if (armed is null || armed.Point != point) return;
        var count = Interlocked.Increment(ref armed.Count);
        if (count == armed.Nth) Environment.FailFast($"Kill point {point} reached, time {count} of {armed.Nth} ({Variable}): the node dies here, as with kill -9");
    }

    /// <summary>"point" or "point:n"; null for nothing; an unknown point or a bad n throws, so that a typo never quietly disarms a test.</summary>
    public static (string Point, int Nth)? ParseSpec(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec)) return null;
        var parts = spec.Trim().Split(':');
        var point = parts[0];
        if (!All.Contains(point, StringComparer.Ordinal) || parts.Length > 2)
        {
            throw new ArgumentException($"{Variable}={spec}: expected <point>[:<n>] with a point among {string.Join(", ", All)}");
        }

        if (parts.Length == 1) return (point, 1);
        return int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var nth) && nth >= 1
            ? (point, nth)
            : throw new ArgumentException($"{Variable}={spec}: n must be a whole number from 1");
    }

    private static Armed? Parse(string? spec) => ParseSpec(spec) is { } parsed ? new Armed(parsed.Point, parsed.Nth) : null;
}
