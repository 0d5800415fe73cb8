using System.Collections.Concurrent;

namespace CallCampaigns.Testing;

/// <summary>
/// Calls on the fake Bolna that stay on the line until the test hangs them up, so a test can hold slots and free
/// them one at a time.
/// </summary>
public sealed class HeldCalls
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _lines = new();
    private volatile bool _open;

    /// <summary>Use as <see cref="FakeBolna.Script"/>.</summary>
    public IReadOnlyList<ScriptStep> Script(ReceivedCall call) =>
        FakeBolna.AnsweredUntil(_open ? Task.CompletedTask : Line(call).Task);

    public void HangUp(ReceivedCall call) => Line(call).TrySetResult();

    /// <summary>Ends every call on the line, and lets every later call end by itself.</summary>
    public void HangUpAll()
    {
        _open = true;
        foreach (var line in _lines.Values) line.TrySetResult();
    }

    private TaskCompletionSource Line(ReceivedCall call) =>
        _lines.GetOrAdd(call.ExecutionId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously));
}
