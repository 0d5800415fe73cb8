namespace CallCampaigns.Grains;

/// <summary>Configuration section <c>Engine</c>: how campaigns pace themselves and how slots are kept honest.</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>Most slots one campaign asks for at once.</summary>
    public int MaxDemandPerCampaign { get; set; } = 50;

    /// <summary>A granted slot that no item took within this time is reclaimed (its grant message was lost).</summary>
    public TimeSpan UnboundLeaseTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a call's slot is held without news before the provider is asked about it. Bolna's final webhook can
    /// come minutes after the line ends, so the look-up waits well past that.
    /// </summary>
    public TimeSpan StaleCallAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// A claimed dial whose answer has not been recorded within this time counts as a lost answer (its dialer's node
    /// hung, say, or could not deliver it): it is not sent any more if it has not been yet, and Bolna's executions are
    /// searched for the call it may have placed, as after a time-out. Well past the longest a dial takes on its own
    /// (a minute waiting for its turn under Bolna's request rate, then the request's own time-outs), so that no
    /// request can still be on its way to Bolna once the search's window is over.
    /// </summary>
    public TimeSpan DialAnswerTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// After a dial request got no answer (a timeout or a 5xx), how long to wait before searching Bolna's executions
    /// for the call it may have placed; later searches back off (each after as long as the dial has waited, at most
    /// five minutes apart).
    /// </summary>
    public TimeSpan UnknownDialCheckAfter { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// A dial whose outcome Bolna never made known (no execution found, none shown absent) is given up after this
    /// long: the item fails with outcome <c>dial-unknown</c> and its slot is freed.
    /// </summary>
    public TimeSpan UnknownDialGiveUpAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>This many dial refusals or <c>error</c> statuses in a row pause the campaign: the fault is not the contacts'.</summary>
    public int PauseAfterDialErrors { get; set; } = 5;

    /// <summary>
    /// A call with no news for this long is given up even if Bolna cannot be reached: its item fails and its slot is
    /// freed (no real call lasts this long).
    /// </summary>
    public TimeSpan MaxCallDuration { get; set; } = TimeSpan.FromHours(2);

    /// <summary>How often every node ticks the slot allocator and the call reconciler.</summary>
    public TimeSpan HeartbeatPeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>While a window is open, a reminder with this period wakes the campaign even if its activation died.</summary>
    public TimeSpan SafetyNetPeriod { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// A call whose line ended without Bolna's final data (duration, cost, transcript, recording, extraction) is looked
    /// up this long after the line ended, then again with backoff until it is final or <see cref="MaxCallDuration"/> passed.
    /// </summary>
    public TimeSpan FinalDataCheckAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Applied webhook deliveries are kept this long, then deleted in small batches.</summary>
    public TimeSpan WebhookRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>Deliveries for executions that are none of ours are kept this long.</summary>
    public TimeSpan UnmatchedWebhookRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often each node deletes what is past its retention.</summary>
    public TimeSpan RetentionSweepPeriod { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How many deliveries this node applies at once; 0: it only stores them (other nodes apply).</summary>
    public int InboxAppliers { get; set; } = 4;

    /// <summary>How often each node looks for stored deliveries nobody applied (a node died, a signal was lost).</summary>
    public TimeSpan InboxSweepPeriod { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A delivery that failed to apply this many times is set aside for the admin, so it blocks nothing.</summary>
    public int WebhookSetAsideAfter { get; set; } = 8;

    /// <summary>After Bolna says 429 without a Retry-After, the campaign waits this long before dialling again.</summary>
    public TimeSpan RateLimitBackoff { get; set; } = TimeSpan.FromSeconds(5);
}
