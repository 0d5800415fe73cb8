namespace CallCampaigns.Domain.Calls;

/// <summary>
/// What Bolna reported about one execution (a webhook, or the answer to a look-up), reduced to what the campaign uses.
/// <see cref="Status"/> is already normalised by <see cref="CallStatus.Normalise"/>; costs are in Bolna's cents.
/// </summary>
[GenerateSerializer, Immutable, Alias("CallUpdate")]
public sealed record CallUpdate(
    [property: Id(0)] string ExecutionId,
    [property: Id(1)] string Status,
    [property: Id(2)] DateTimeOffset? ProviderUpdatedAt,
    [property: Id(3)] double? ConversationSeconds,
    [property: Id(4)] double? TelephonySeconds,
    [property: Id(5)] double? CostCents,
    [property: Id(6)] string? Transcript,
    [property: Id(7)] string? Summary,
    [property: Id(8)] string? RecordingUrl,
    [property: Id(9)] string? HangupReason,
    [property: Id(10)] string? ErrorMessage,
    [property: Id(11)] string? ExtractedData = null)
{
    public static CallUpdate OfStatus(string executionId, string status) =>
        new(executionId, CallStatus.Normalise(status), null, null, null, null, null, null, null, null, null);

    /// <summary>
    /// The call's length: the conversation when known, else the line's duration; null while Bolna reports neither
    /// (it sends zeros until its final data is ready).
    /// </summary>
    public double? DurationSeconds => ConversationSeconds > 0 ? ConversationSeconds : TelephonySeconds > 0 ? TelephonySeconds : null;
}
