using CallCampaigns.Domain.Policy;

namespace CallCampaigns.Ledger.Rules;

/// <summary>
/// The calling rules as the dispatcher reads them: from the ledger, kept for a few seconds so a busy node does not
/// read them on every pass. A change on this node is seen at once; on another, within <see cref="MaxAge"/>.
/// </summary>
public sealed class CallingRuleBook(CallingRuleStore store)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private volatile Snapshot? _snapshot;

    public async Task<IReadOnlyList<CallingRule>> CurrentAsync()
    {
        if (_snapshot is { } kept && Environment.TickCount64 - kept.ReadAt < MaxAge.TotalMilliseconds) return kept.Rules;
        var rules = await store.ListAsync();
        _snapshot = new Snapshot(rules, Environment.TickCount64);
        return rules;
    }

    /// <summary>Drops what is kept: the next read goes to the ledger.</summary>
    public void Forget() => _snapshot = null;

    private sealed record Snapshot(IReadOnlyList<CallingRule> Rules, long ReadAt);
}
