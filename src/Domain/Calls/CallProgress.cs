namespace CallCampaigns.Domain.Calls;

/// <summary>What is known of one attempt (one Bolna execution) before a new report is applied.</summary>
public sealed record AttemptState(string Status, int Rank, DateTimeOffset? ProviderUpdatedAt, bool SawInProgress, bool LineEnded);

/// <summary>The effect of one report on an attempt.</summary>
public sealed record ProgressDecision(
    string Status,
    int Rank,
    DateTimeOffset? ProviderUpdatedAt,
    bool SawInProgress,
    bool AnsweredNow,
    bool LineEndsNow,
    bool FinalNow,
    bool Connected);

/// <summary>
/// Applies Bolna's reports to an attempt so that a status never moves backwards and a repeated report changes
/// nothing: a report of a lower stage is ignored; one of the same stage counts only when Bolna says it is newer. Among
/// final reports, a later <c>completed</c> (Bolna's record of the whole call) wins over an earlier guess such as
/// <c>no-answer</c>; no other final report replaces one already applied.
/// </summary>
public static class CallProgress
{
    public static ProgressDecision? Decide(AttemptState state, CallUpdate update)
    {
        var rank = CallStatus.Rank(update.Status);
        if (rank == 0 || rank < state.Rank) return null;
        if (rank == state.Rank && !IsNewer(update.ProviderUpdatedAt, state.ProviderUpdatedAt)) return null;
        if (CallStatus.IsFinal(state.Status) && update.Status != CallStatus.Completed) return null;

        var answeredNow = update.Status == CallStatus.InProgress && !state.SawInProgress;
        var sawInProgress = state.SawInProgress || answeredNow;
        return new ProgressDecision(
            update.Status,
            rank,
            update.ProviderUpdatedAt ?? state.ProviderUpdatedAt,
            sawInProgress,
            answeredNow,
            LineEndsNow: CallStatus.IsLineEnded(update.Status) && !state.LineEnded,
            FinalNow: CallStatus.IsFinal(update.Status) && !CallStatus.IsFinal(state.Status),
            Connected: CallStatus.Connected(sawInProgress, update.ConversationSeconds));
    }

    private static bool IsNewer(DateTimeOffset? candidate, DateTimeOffset? current) =>
        candidate is { } next && (current is not { } previous || next > previous);
}
