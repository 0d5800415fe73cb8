using CallCampaigns.Domain;
using CallCampaigns.Domain.Concurrency;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Bolna;

/// <summary>
/// Keeps this node under its share of Bolna's request rate on <c>POST /call</c> (<see cref="BolnaOptions.CallsPerMinute"/>
/// is the account's limit; the node's share follows the cluster's membership and its rank in it, see <see cref="DialRate"/>):
/// a sliding one-minute window; dials
/// beyond it wait their turn rather than being refused with a 429, at most a minute's worth of them (the rest are not sent).
/// </summary>
public sealed class BolnaCallRate(IOptions<BolnaOptions> options, EngineClock time)
{
    private readonly DialRate _rate = new(options.Value.CallsPerMinute);
    private readonly Lock _lock = new();
    private int _waiting;

    /// <summary>The calls this node may send in any minute now.</summary>
    public int Limit
    {
        get
        {
            lock (_lock) return _rate.Limit;
        }
    }

    /// <summary>The cluster now has <paramref name="nodes"/> nodes that dial, this one of rank <paramref name="rank"/> among them.</summary>
    public void ShareAmong(int nodes, int rank)
    {
        lock (_lock) _rate.ShareAmong(nodes, rank, time.GetUtcNow());
    }

    /// <summary>
    /// Waits until this node may send one more dial (true; the permit needs no giving back, the window forgets it),
    /// or answers false at once when a minute's worth of dials is already waiting.
    /// </summary>
    public async ValueTask<bool> AcquireAsync(CancellationToken cancellationToken)
    {
        TimeSpan? wait;
        lock (_lock)
        {
            wait = _rate.TryTake(time.GetUtcNow());
            if (wait is null) return true;
            if (_waiting >= _rate.Limit) return false;
            _waiting++;
        }

        try
        {
            while (wait is { } delay)
            {
                await Task.Delay(delay, time, cancellationToken);
                lock (_lock) wait = _rate.TryTake(time.GetUtcNow());
            }

            return true;
        }
        finally
        {
            lock (_lock) _waiting--;
        }
    }
}
