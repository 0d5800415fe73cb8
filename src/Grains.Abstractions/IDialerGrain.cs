using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Grains.Abstractions;

/// <summary>
/// Sends dial requests to Bolna (or the simulator) outside the campaign's turn, and reports each answer back to
/// the campaign with <see cref="ICampaignGrain.DialAnswered"/>. A stateless worker: any number run beside each other.
/// </summary>
public interface IDialerGrain : IGrainWithIntegerKey
{
    [OneWay]
    Task Dial(DialRequest request);

    /// <summary>
    /// Finds out whether a dial whose answer never came placed a call: searches the agent's executions for the number
    /// within the dial's own window (from <paramref name="dialledAt"/> to <paramref name="answeredAt"/>, or to the
    /// dial's time-out when no answer came at all), and tells the campaign with <see cref="ICampaignGrain.DialResolved"/>.
    /// </summary>
    [OneWay]
    Task Resolve(DialRequest request, DateTimeOffset dialledAt, DateTimeOffset? answeredAt);

    /// <summary>Stops calls Bolna has accepted but not started (their campaign was paused or cancelled).</summary>
    [OneWay]
    Task Stop(IReadOnlyList<string> executionIds);

    /// <summary>Gives up on a call whose fate stayed unknown too long: stops it at Bolna first, then tells its campaign.</summary>
    [OneWay]
    Task GiveUp(long campaignId, long itemId, int attempt, string? executionId, string outcome, string reason);

    /// <summary>Asks the provider about one call and stores the answer in the inbox, to be applied as if it were a webhook.</summary>
    [OneWay]
    Task LookUp(long campaignId, string executionId);
}
