using CallCampaigns.Domain.Calls;

namespace CallCampaigns.Bolna;

/// <summary>Places calls: Bolna's API, or the built-in simulator that behaves like it.</summary>
public interface IDialer
{
    /// <summary>Sends one dial request. Never throws for a refused or failed request: the result says what happened.</summary>
    Task<DialResult> DialAsync(DialRequest request, CancellationToken cancellationToken);

    /// <summary>The agents calls can be placed with.</summary>
    Task<IReadOnlyList<AgentInfo>> ListAgentsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// What the provider knows now of one execution: its execution object as JSON (what a webhook would carry);
    /// null when it knows nothing of it.
    /// </summary>
    Task<string?> LookupAsync(string executionId, CancellationToken cancellationToken);

    /// <summary>
    /// The execution an unanswered dial request may have created: the agent's call to <paramref name="phoneNumber"/>
    /// created at or after <paramref name="dialledAt"/>; null when the provider has none. Asked before a dial whose
    /// answer was lost is given up, so that nobody is called twice for one attempt.
    /// </summary>
    Task<string?> FindExecutionAsync(string agentId, string phoneNumber, DateTimeOffset dialledAt, CancellationToken cancellationToken);
}
