namespace CallCampaigns.Domain.Concurrency;

/// <summary>
/// One node's part of Bolna's dial rate, which is a limit for the whole account (calls per minute), such that the
/// cluster's nodes together never send more in any sliding minute: the shares of one moment add up to the rate, and a
/// node's limit at any moment is the smallest share it was given over the minute before (so a part another node held
/// a moment ago is used only once the calls that node may have sent with it have left the minute). Each node gets the
/// rate divided by the number of nodes, rounded down; the rest (all of it when the rate is below the number of nodes)
/// goes to that many nodes, which take turns by their rank every <see cref="Turn"/>, so that no node's campaigns wait
/// for good. A turn's part is given up <see cref="ClockSkew"/> before the turn ends, so that nodes whose clocks differ
/// by that much never hold one part at once. A smaller share (a node joined, a turn ended) applies at once, to the
/// calls already sent in the last minute too; a larger one (a node left, a turn began) only after a minute.
/// </summary>
public sealed class DialRate(int callsPerMinute)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long one node keeps a part of the rest: two minutes, because a part taken over is usable only a minute
    /// after the turn began (its last holder may have used it just before), so a node uses its part for one minute of two.
    /// </summary>
    public static readonly TimeSpan Turn = TimeSpan.FromMinutes(2);

    /// <summary>How far apart the nodes' clocks may be without two of them holding one part at once.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(5);

    private readonly int _rate = Math.Max(1, callsPerMinute);
    private readonly Queue<DateTimeOffset> _sent = new();

    /// <summary>The cluster as this node saw it, newest last: each view until the next one began (a single node at first).</summary>
    private readonly List<(int Nodes, int Rank, DateTimeOffset Since)> _views = [(1, 0, DateTimeOffset.MinValue)];

    /// <summary>The calls this node may send in any minute now (as of the last <see cref="ShareAmong"/> or <see cref="TryTake"/>).</summary>
    public int Limit { get; private set; } = Math.Max(1, callsPerMinute);

    /// <summary>
    /// The share of the node of rank <paramref name="rank"/> (0 to <paramref name="nodes"/> - 1) in <paramref name="turn"/>:
    /// the rate divided by the number of nodes, plus one for the nodes whose turn it is to have a part of the rest.
    /// The shares of all ranks in one turn add up to the rate.
    /// </summary>
    public static int Share(int callsPerMinute, int nodes, int rank, long turn)
    {
        nodes = Math.Max(1, nodes);
        var (each, rest) = Math.DivRem(Math.Max(1, callsPerMinute), nodes);
        var place = (Math.Clamp(rank, 0, nodes - 1) + turn % nodes) % nodes;
        return each + (place < rest ? 1 : 0);
    }

    /// <summary>The turn <paramref name="at"/> falls in (turns are counted from the Unix epoch, so every node agrees).</summary>
    public static long TurnAt(DateTimeOffset at) => Math.Max(0, at.ToUnixTimeMilliseconds()) / (long)Turn.TotalMilliseconds;

    /// <summary>The node now is the one of rank <paramref name="rank"/> among <paramref name="nodes"/> that dial.</summary>
    public void ShareAmong(int nodes, int rank, DateTimeOffset now)
    {
        nodes = Math.Max(1, nodes);
        rank = Math.Clamp(rank, 0, nodes - 1);
        if (_views[^1].Nodes != nodes || _views[^1].Rank != rank) _views.Add((nodes, rank, now));
        Limit = LimitAt(now);
    }

    /// <summary>Takes a dial's place in the minute when there is room (null); otherwise says how long until there may be.</summary>
    public TimeSpan? TryTake(DateTimeOffset now)
    {
        Limit = LimitAt(now);
        while (_sent.Count > 0 && _sent.Peek() <= now - Window) _sent.Dequeue();
        if (_sent.Count < Limit)
        {
            _sent.Enqueue(now);
            return null;
        }

        // Room comes when the dial at position (sent - limit) leaves the minute, or when the limit may grow.
        var grows = NextGrowth(now) - now;
        return Limit == 0 ? grows : Min(_sent.ElementAt(_sent.Count - Limit) + Window - now, grows);
    }

    /// <summary>
    /// The smallest share this node had in the minute before <paramref name="now"/> (and up to <see cref="ClockSkew"/>
    /// after it): over every view of the cluster it held in that time, and every turn that time touches.
    /// </summary>
    private int LimitAt(DateTimeOffset now)
    {
        var from = now - Window;
        while (_views.Count > 1 && _views[1].Since <= from) _views.RemoveAt(0); // views that ended over a minute ago
        var (first, last) = (TurnAt(from), TurnAt(now + ClockSkew));
        var limit = int.MaxValue;
        foreach (var (nodes, rank, _) in _views)
        {
            for (var turn = first; turn <= last; turn++) limit = Math.Min(limit, Share(_rate, nodes, rank, turn));
        }

        return limit;
    }

    /// <summary>The next moment the limit may grow: a minute after the next start of a turn or of a view of the cluster.</summary>
    private DateTimeOffset NextGrowth(DateTimeOffset now)
    {
        var turn = (long)Turn.TotalMilliseconds;
        var turnStart = DateTimeOffset.FromUnixTimeMilliseconds(TurnAt(now) * turn);
        var next = turnStart + Window > now ? turnStart + Window : turnStart + Turn + Window;
        foreach (var (_, _, since) in _views)
        {
            if (since != DateTimeOffset.MinValue && since + Window > now && since + Window < next) next = since + Window;
        }

        return next;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
