using System.Diagnostics.Metrics;

namespace CallCampaigns.Grains;

/// <summary>
/// The engine's own measurements, under the meter <c>CallCampaigns</c> (exported on <c>/metrics</c>). Counters count
/// what happens on this node; the gauges are the ledger's figures, refreshed by the node's heartbeat.
/// </summary>
public static class EngineMetrics
{
    public const string MeterName = "CallCampaigns";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Counter<long> Dials = Meter.CreateCounter<long>("callcampaigns.dials", description: "Dial requests sent, by outcome");

    public static readonly Counter<long> DialErrors = Meter.CreateCounter<long>("callcampaigns.dial_errors", description: "Dial requests not accepted, by outcome");

    public static readonly Histogram<double> WebhookLag = Meter.CreateHistogram<double>(
        "callcampaigns.webhook_lag", unit: "s", description: "From Bolna's updated_at to the webhook's arrival");

    public static readonly Counter<long> LeaseExpiries = Meter.CreateCounter<long>(
        "callcampaigns.lease_expiries", description: "Call leases that ran out without news and were looked up");

    private static long _slotsInUse;
    private static long _queuedItems;

    static EngineMetrics()
    {
        Meter.CreateObservableGauge("callcampaigns.slots_in_use", () => Interlocked.Read(ref _slotsInUse), description: "Calls in flight in the whole system");
        Meter.CreateObservableGauge("callcampaigns.queued_items", () => Interlocked.Read(ref _queuedItems), description: "Items waiting in running campaigns");
    }

    /// <summary>
    /// Creates the gauges (once, in the static constructor), so that <c>/metrics</c> shows them from the node's start,
    /// not only after the first heartbeat or dial touched this class.
    /// </summary>
    public static void Start() => System.Runtime.CompilerServices.RuntimeHelpers.RunClassConstructor(typeof(EngineMetrics).TypeHandle);

    public static void RecordLedger(long slotsInUse, long queuedItems)
    {
        Interlocked.Exchange(ref _slotsInUse, slotsInUse);
        Interlocked.Exchange(ref _queuedItems, queuedItems);
    }
}
