namespace CallCampaigns.Domain;

/// <summary>
/// The product's one time source: every rule, store and grain of ours reads the time here. It is its own type, not
/// the container's <see cref="TimeProvider"/>, because Orleans keeps its own liveness on that one: a test that sets
/// the engine's clock to next Tuesday must not make the silo think it missed a week of heartbeats.
/// </summary>
public sealed class EngineClock(TimeProvider inner) : TimeProvider
{
    public static EngineClock Real { get; } = new(System);

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow();

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
