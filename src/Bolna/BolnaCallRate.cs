using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace CallCampaigns.Bolna;

/// <summary>
/// Keeps this node under Bolna's request rate on <c>POST /call</c>: a sliding one-minute window; dials beyond it
/// wait their turn rather than being refused with a 429, at most a minute's worth of them (the rest are not sent).
/// </summary>
public sealed class BolnaCallRate(IOptions<BolnaOptions> options) : IDisposable
{
    private readonly SlidingWindowRateLimiter _limiter = new(new SlidingWindowRateLimiterOptions
    {
        PermitLimit = Math.Max(1, options.Value.CallsPerMinute),
        Window = TimeSpan.FromMinutes(1),
        SegmentsPerWindow = 12,
        QueueLimit = Math.Max(1, options.Value.CallsPerMinute),
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });

    public async ValueTask<RateLimitLease> AcquireAsync(CancellationToken cancellationToken) =>
        await _limiter.AcquireAsync(1, cancellationToken);

    public void Dispose() => _limiter.Dispose();
}
