using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Grains.Abstractions;

/// <summary>
/// One campaign: owns its lifecycle and its queue, keeps to its window, dials through leased slots, and applies
/// the outcomes of its calls. Keyed by the campaign's id.
/// </summary>
public interface ICampaignGrain : IGrainWithIntegerKey
{
    /// <summary>
    /// Looks at the campaign afresh, tells its user its demand again (the allocators' memory may have died with a
    /// node) and dials whatever is due: after creation, on node start, on any change, when a node died.
    /// </summary>
    Task Wake();

    /// <summary>
    /// What the inbox's applier just wrote about this campaign's calls (already in the ledger): slots released and
    /// items moved. The campaign hands freed slots on and tells its live streams.
    /// </summary>
    [OneWay]
    Task CallsChanged(CallNews news);

    /// <summary>The dialer's answer to one dial request.</summary>
    Task DialAnswered(DialRequest request, DialResult result);

    /// <summary>Slots the campaign's user passes on to it; they are used at once or given back.</summary>
    [OneWay]
    Task SlotsGranted(IReadOnlyList<long> leaseIds);

    /// <summary>Sends the campaign's changes to <paramref name="observer"/> for a minute; subscribe again to keep them coming.</summary>
    Task Subscribe(ICampaignObserver observer);

    /// <summary>Tells the campaign's live event streams how an import into it is getting on.</summary>
    [OneWay]
    Task ReportImport(ImportProgress progress);

    Task Unsubscribe(ICampaignObserver observer);

    /// <summary>Stops new dials; calls in flight finish.</summary>
    Task<LifecycleResult> Pause();

    /// <summary>Continues a paused campaign.</summary>
    Task<LifecycleResult> Resume();

    /// <summary>Cancels every queued item; calls in flight finish. Final.</summary>
    Task<LifecycleResult> Cancel();

    /// <summary>
    /// Replaces the campaign's editable settings (already checked); when the window, zone, end date or pacing
    /// changed, queued items that were not tried yet are planned again. Not allowed once the campaign is final.
    /// </summary>
    Task<LifecycleResult> Edit(CampaignSettings settings);

    /// <summary>
    /// What a search of Bolna's executions says of a dial whose answer never came: the call it placed (it goes on as if
    /// the answer had come), proof that it placed none (the item goes back to the queue, its attempt not counted, and
    /// its slot is freed), or nothing certain (the slot stays held; the search is tried again).
    /// </summary>
    Task DialResolved(long itemId, int attempt, DialResolution resolution);

    /// <summary>
    /// Gives up on a call whose fate stayed unknown too long: the item fails with <paramref name="outcome"/> and the
    /// reason, and its slot is freed.
    /// </summary>
    Task GiveUpCall(long itemId, int attempt, string outcome, string reason);
}

/// <summary>Calls of one campaign that the applier changed: how many slots it released, and each item it moved.</summary>
[GenerateSerializer, Immutable, Alias("CallNews")]
public sealed record CallNews([property: Id(0)] int Released, [property: Id(1)] IReadOnlyList<ItemMove> Moves)
{
    /// <summary>Something the queue cares about: a freed slot, or an item back in the queue (a retry).</summary>
    public bool WorthALook => Released > 0 || Moves.Any(move => move.Status == Domain.Campaigns.ItemStatus.Queued);
}

/// <summary>One item's move: its new status, because of which report (Bolna's status word), on which attempt.</summary>
[GenerateSerializer, Immutable, Alias("ItemMove")]
public sealed record ItemMove([property: Id(0)] long ItemId, [property: Id(1)] string Status, [property: Id(2)] string Outcome, [property: Id(3)] int Attempt);

/// <summary>
/// The answer of a search for the call an unanswered dial may have placed: <see cref="ExecutionId"/> when found,
/// <see cref="PlacedNoCall"/> when a complete search of the dial's window showed none, else neither (with the problem).
/// </summary>
[GenerateSerializer, Immutable, Alias("DialResolution")]
public sealed record DialResolution([property: Id(0)] string? ExecutionId, [property: Id(1)] bool PlacedNoCall, [property: Id(2)] string? Problem)
{
    public static DialResolution Found(string executionId) => new(executionId, false, null);

    public static DialResolution NoCall { get; } = new(null, true, null);

    public static DialResolution Unsure(string problem) => new(null, false, problem);
}

/// <summary>Whether a lifecycle move happened; <see cref="Error"/> says why not.</summary>
[GenerateSerializer, Immutable, Alias("LifecycleResult")]
public sealed record LifecycleResult([property: Id(0)] bool Done, [property: Id(1)] string? Error)
{
    public static LifecycleResult Ok { get; } = new(true, null);

    public static LifecycleResult NotAllowed(string why) => new(false, why);
}

/// <summary>What an edit may change: everything but the start date (the window's is kept) and the contacts.</summary>
[GenerateSerializer, Immutable, Alias("CampaignSettings")]
public sealed record CampaignSettings(
    [property: Id(0)] string Name,
    [property: Id(1)] string? Description,
    [property: Id(2)] string AgentId,
    [property: Id(3)] string? NextAction,
    [property: Id(4)] Domain.Scheduling.CallWindow Window,
    [property: Id(5)] string WindowZone,
    [property: Id(6)] string Pacing,
    [property: Id(7)] Domain.Campaigns.RetryPolicy Retry,
    [property: Id(8)] string OptOutField);
