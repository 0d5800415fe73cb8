using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Bolna;

/// <summary>Places calls: Bolna's API, or the built-in simulator that behaves like it.</summary>
public interface IDialer
{
    /// <summary>
    /// Sends one dial request, once its turn under the request rate comes and <paramref name="whyNot"/>, asked right
    /// before sending, finds no reason not to (otherwise nothing is sent: <see cref="DialOutcome.Withdrawn"/>). Never
    /// throws for a refused or failed request: the result says what happened.
    /// </summary>
    Task<DialResult> DialAsync(DialRequest request, Func<Task<string?>> whyNot, CancellationToken cancellationToken);

    /// <summary>Stops a call Bolna has not started yet (queued or scheduled); false when it could not be stopped.</summary>
    Task<bool> StopAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>The agents calls can be placed with.</summary>
    Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What the provider knows now of one execution: its execution object as JSON (what a webhook would carry);
    /// null when it knows nothing of it.
    /// </summary>
    Task<string?> LookupAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>
    /// The agent's executions to <paramref name="phoneNumber"/> created between <paramref name="from"/> and
    /// <paramref name="to"/>: what an unanswered dial request may have placed. Never throws: a search that failed or
    /// could not cover the window says so (<see cref="DialSearch.Complete"/> false), so that nobody is called twice
    /// for one attempt on the strength of a search that only missed the call.
    /// </summary>
    Task<DialSearch> SearchExecutionsAsync(string agentId, string phoneNumber, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>
/// What a search of the provider's executions found: the matching executions' ids, and whether the search covered the
/// whole window (every page read, every record legible, the window closed); only then is "no match" proof that no call
/// was placed.
/// </summary>
public sealed record DialSearch(IReadOnlyList<string> Matches, bool Complete, string? Problem = null)
{
    public static DialSearch Failed(string problem) => new([], false, problem);
}
