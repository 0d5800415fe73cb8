namespace CallCampaigns.Domain.Calls;

/// <summary>
/// The one place that reads Bolna's execution status words: their order, which ones end the line (free the slot),
/// and which ones are final. See reference/bolna.md.
/// </summary>
public static class CallStatus
{
    public const string Completed = "completed";
    public const string CallDisconnected = "call-disconnected";
    public const string InProgress = "in-progress";

    /// <summary>Rank of each status; a call never moves to a lower rank.</summary>
    private static readonly Dictionary<string, int> Ranks = new(StringComparer.Ordinal)
    {
        ["scheduled"] = 1,
        ["queued"] = 1,
        ["rescheduled"] = 1,
        ["initiated"] = 2,
        ["ringing"] = 3,
        [InProgress] = 4,
        [CallDisconnected] = 5,
        [Completed] = 6,
        ["busy"] = 6,
        ["no-answer"] = 6,
        ["failed"] = 6,
        ["error"] = 6,
        ["canceled"] = 6,
        ["stopped"] = 6,
        ["balance-low"] = 6,
    };

    private const int LineEndedRank = 5;
    private const int FinalRank = 6;

    /// <summary>Bolna's spelling of a status word, accepting the variants it has been seen to send.</summary>
    public static string Normalise(string? status)
    {
        var word = (status ?? string.Empty).Trim().ToLowerInvariant().Replace('_', '-');
        return word switch
        {
            "cancelled" => "canceled",
            "inprogress" or "in progress" => InProgress,
            "noanswer" or "no answer" => "no-answer",
            _ => word,
        };
    }

    /// <summary>0 for a status we do not know; higher is later in a call's life.</summary>
    public static int Rank(string status) => Ranks.GetValueOrDefault(status);

    /// <summary>The line has ended (the slot is free): call-disconnected or any final status.</summary>
    public static bool IsLineEnded(string status) => Rank(status) >= LineEndedRank;

    /// <summary>Bolna will send nothing more about this execution.</summary>
    public static bool IsFinal(string status) => Rank(status) >= FinalRank;

    /// <summary>The call reached a person: it was seen in progress, or a conversation was recorded.</summary>
    public static bool Connected(bool sawInProgress, double? conversationSeconds) =>
        sawInProgress || conversationSeconds > 0;
}
