using CallCampaigns.Domain.Policy;
using CallCampaigns.Domain.Scheduling;
using CallCampaigns.Domain.Suppressions;

namespace CallCampaigns.Domain.Campaigns;

/// <summary>
/// A campaign as the engine works with it: its calling window, whose clock the window is read on, its pacing and
/// retry policy, where it stands and its counters. The ledger maps its rows to this once (<c>CampaignRecord</c>), so
/// grains and endpoints never see how times are stored.
/// </summary>
public sealed record Campaign
{
    public long Id { get; init; }
    public required string UserId { get; init; }
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required string AgentId { get; init; }
    public string? FromPhoneNumber { get; init; }
    public string? NextAction { get; init; }
    public required CallWindow Window { get; init; }
    /// <summary>Whose clock the window is read on (<see cref="Policy.WindowZone"/>).</summary>
    public string WindowZone { get; init; } = Policy.WindowZone.Campaign;
    public required string Pacing { get; init; }
    public RetryPolicy Retry { get; init; } = RetryPolicy.None;
    /// <summary>The key of Bolna's extracted_data that, when true, puts the number on the user's do-not-call list.</summary>
    public string OptOutField { get; init; } = OptOut.DefaultField;
    public required string Status { get; init; }
    public string? StatusReason { get; init; }
    public int TotalContacts { get; init; }
    public int QueuedCount { get; init; }
    public int InProgressCount { get; init; }
    public int SuccessfulCount { get; init; }
    public int FailedCount { get; init; }
    public int CancelledCount { get; init; }
    /// <summary>The join order of the last item added.</summary>
    public long LastPosition { get; init; }
    public DateTimeOffset? NextCallAt { get; init; }
    /// <summary>Dial refusals since the last dial that went through.</summary>
    public int DialErrorsInRow { get; init; }
    /// <summary>What the gate's holds on this campaign's items were decided under (see the ledger's <c>HoldStore</c>).</summary>
    public string? HoldsKey { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }

    /// <summary>What the dial gate knows of the campaign.</summary>
    public CampaignTerms Terms => new(Status, Window, WindowZone);

    /// <summary>True when the window is read on each contact's clock.</summary>
    public bool OnContactsClock => WindowZone == Policy.WindowZone.Contact;

    /// <summary>
    /// The window as far as the campaign as a whole is concerned: its own, or on each contact's clock the window
    /// read in the last zone on Earth (UTC-12), so the campaign ends only once its end date is over everywhere.
    /// </summary>
    public CallWindow LastWindow => OnContactsClock ? Window with { TimeZone = "Etc/GMT+12" } : Window;
}
