using CallCampaigns.Domain;
using CallCampaigns.Domain.Concurrency;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Bolna;

/// <summary>
/// Keeps this node under its share of Bolna's request rate on <c>POST /call</c> (<see cref="BolnaOptions.CallsPerMinute"/>
/// is the account's limit; the node's share follows the cluster's membership): a sliding one-minute window; dials
/// beyond it wait their turn rather than being refused with a 429.
/// </summary>
public sealed class BolnaCallRate(IOptions<BolnaOptions> options, EngineClock time)
{
    private readonly DialRate _rate = new(options.Value.CallsPerMinute);
    private readonly Lock _lock = new();

    /// <summary>The calls this node may send in any minute now.</summary>
    public int Limit
    {
        get
        {
            lock (_lock) return _rate.Limit;
        }
    }

    /// <summary>The cluster now has <paramref name="nodes"/> nodes that dial.</summary>
    public void ShareAmong(int nodes)
    {
        lock (_lock) _rate.ShareAmong(nodes, time.GetUtcNow());
    }

    /// <summary>Waits until this node may send one more dial; the permit needs no giving back (the window forgets it).</summary>
    public async ValueTask<IDisposable> AcquireAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            TimeSpan? wait;
            lock (_lock) wait = _rate.TryTake(time.GetUtcNow());
            if (wait is not { } delay) return Permit.Instance;
            await Task.Delay(delay, time, cancellationToken);
        }
    }

    private sealed class Permit : IDisposable
    {
        public static readonly Permit Instance = new();

        public void Dispose()
        {
        }
    }
}
