namespace CallCampaigns.Domain.Concurrency;

/// <summary>
/// One node's part of Bolna's dial rate, which is a limit for the whole account (calls per minute): each of the
/// cluster's nodes may send its share in any sliding minute. A smaller share (a node joined) applies at once, to
/// the calls already sent in the last minute too; a larger one (a node left) only after a minute, because the node
/// that left may have sent its whole share in the minute before.
/// </summary>
public sealed class DialRate(int callsPerMinute)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Queue<DateTimeOffset> _sent = new();
    private (int Limit, DateTimeOffset From)? _raise;

    /// <summary>The calls this node may send in any minute now.</summary>
    public int Limit { get; private set; } = Share(callsPerMinute, 1);

    /// <summary>One node's share of the account's calls per minute when <paramref name="nodes"/> nodes dial (at least one call).</summary>
    public static int Share(int callsPerMinute, int nodes) => Math.Max(1, Math.Max(1, callsPerMinute) / Math.Max(1, nodes));

    /// <summary>The node now shares the account's rate with <paramref name="nodes"/> - 1 others.</summary>
    public void ShareAmong(int nodes, DateTimeOffset now)
    {
        var share = Share(callsPerMinute, nodes);
        if (share <= Limit)
        {
            Limit = share;
            _raise = null;
        }
        else if (_raise?.Limit != share)
        {
            _raise = (share, now + Window);
        }
    }

    /// <summary>Takes a dial's place in the minute when there is room (null); otherwise says how long until there is.</summary>
    public TimeSpan? TryTake(DateTimeOffset now)
    {
        if (_raise is { } raise && now >= raise.From)
        {
            Limit = raise.Limit;
            _raise = null;
        }

        while (_sent.Count > 0 && _sent.Peek() <= now - Window) _sent.Dequeue();
        if (_sent.Count < Limit)
        {
            _sent.Enqueue(now);
            return null;
        }

        // Room comes when the dial at position (sent - limit) leaves the minute: then fewer than the limit remain.
        return _sent.ElementAt(_sent.Count - Limit) + Window - now;
    }
}
